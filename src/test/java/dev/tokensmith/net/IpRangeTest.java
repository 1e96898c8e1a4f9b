package dev.tokensmith.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpRangeTest {

  private static boolean contains(String range, String address) {
    return IpRange.parse(range).orElseThrow().contains(IpRange.address(address).orElseThrow());
  }

  @Test
  void containsWhenIpv4CidrThenMatchesOnlyItsBlock() {
    assertThat(contains("10.0.0.0/8", "10.255.1.2")).isTrue();
    assertThat(contains("10.0.0.0/8", "11.0.0.1")).isFalse();
    assertThat(contains("192.168.1.7", "192.168.1.7")).isTrue();
    assertThat(contains("192.168.1.7", "192.168.1.8")).isFalse();
    assertThat(contains("172.16.0.0/12", "172.31.255.255")).isTrue();
    assertThat(contains("172.16.0.0/12", "172.32.0.0")).isFalse();
    assertThat(contains("0.0.0.0/0", "8.8.8.8")).isTrue();
  }

  @Test
  void containsWhenIpv6CidrThenMatchesOnlyItsBlock() {
    assertThat(contains("2001:db8::/32", "2001:db8:ffff::1")).isTrue();
    assertThat(contains("2001:db8::/32", "2001:db9::1")).isFalse();
    assertThat(contains("::1", "::1")).isTrue();
    assertThat(contains("2001:db8::/33", "2001:db8:8000::1")).isFalse();
  }

  @Test
  void containsWhenFamiliesDifferThenNoMatch() {
    assertThat(contains("0.0.0.0/0", "::1")).isFalse();
    assertThat(contains("::/0", "127.0.0.1")).isFalse();
  }

  @Test
  void parseWhenNotACidrThenEmptyWithoutDnsLookup() {
    for (String bad :
        new String[] {
          "",
          "example.com",
          "localhost",
          "10.0.0.0/33",
          "::/129",
          "1.2.3",
          "1.2.3.4.5",
          "256.1.1.1",
          "10.0.0.0/",
          "10.0.0.0/-1",
          "10.0.0.0/8/8",
          "1.2.3.4/abc",
          "gggg::1",
          "x".repeat(100)
        }) {
      assertThat(IpRange.parse(bad)).as(bad).isEmpty();
    }
    assertThat(IpRange.parse(null)).isEmpty();
  }

  @Test
  void toStringWhenHostBitsSetThenCanonicalNetwork() {
    assertThat(IpRange.parse("10.1.2.3/8").orElseThrow()).hasToString("10.0.0.0/8");
    assertThat(IpRange.parse("192.168.1.7").orElseThrow()).hasToString("192.168.1.7/32");
    assertThat(IpRange.parse("2001:DB8::1/32").orElseThrow())
        .hasToString("2001:db8:0:0:0:0:0:0/32");
  }

  @Test
  void addressWhenBracketedIpv6ThenParsed() {
    assertThat(IpRange.address("[::1]")).isPresent();
    assertThat(IpRange.address("::ffff:127.0.0.1").orElseThrow()).hasSize(4);
  }
}
