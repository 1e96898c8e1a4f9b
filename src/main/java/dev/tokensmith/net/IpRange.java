package dev.tokensmith.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IPv4 or IPv6 CIDR block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is
 * a block of one. Parsing never touches DNS: anything that is not an address literal is refused.
 */
public final class IpRange {
  private final byte[] network;
  private final int prefix;

  private IpRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /** The block written in {@code text}, or empty when it is not a valid CIDR. */
  public static Optional<IpRange> parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    Optional<byte[]> bytes = address(address);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    int bits = bytes.get().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String digits = text.substring(slash + 1);
      if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
        return Optional.empty();
      }
      prefix = Integer.parseInt(digits);
      if (prefix > bits) {
        return Optional.empty();
      }
    }
    return Optional.of(new IpRange(mask(bytes.get(), prefix), prefix));
  }

  /** The bytes of an address literal (4 or 16), or empty; IPv4-mapped IPv6 comes back as IPv4. */
  public static Optional<byte[]> address(String literal) {
    if (literal == null || literal.isEmpty() || literal.length() > 45) {
      return Optional.empty();
    }
    String text =
        literal.startsWith("[") && literal.endsWith("]")
            ? literal.substring(1, literal.length() - 1)
            : literal;
    boolean v6 = text.indexOf(':') >= 0;
    if (v6
        ? !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
        : !ipv4(text)) {
      return Optional.empty();
    }
    try {
      // A literal of only these characters is parsed, never resolved.
      return Optional.of(InetAddress.getByName(text).getAddress());
    } catch (UnknownHostException | SecurityException e) {
      return Optional.empty();
    }
  }

  private static boolean ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(Character::isDigit)
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when the address (4 or 16 bytes) lies in this block; IPv4 and IPv6 never match each other.
   */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int m = 0xff << (8 - rest) & 0xff;
    return (address[full] & m) == (network[full] & m);
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  /** The canonical form: network address and prefix length. */
  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
