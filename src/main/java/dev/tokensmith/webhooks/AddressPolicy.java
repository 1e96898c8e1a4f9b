package dev.tokensmith.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhooks may be posted: an http(s) URL whose host resolves only to public addresses. A
 * loopback, private, link-local (169.254.169.254, the cloud metadata service, among them),
 * carrier-grade NAT (100.100.100.200), unique-local (fd00:ec2::254), multicast, unspecified,
 * reserved or documentation address is refused, so a subscription cannot make the server reach into
 * its own network (SSRF). The check is made when a URL is written and again before every delivery,
 * on the addresses the delivery then connects to: a name that resolves elsewhere later (DNS
 * rebinding) is caught there. Operators whose receivers live on a private network turn it off.
 */
final class AddressPolicy {
  private static final int MAX_URL = 2048;

  private final boolean allowPrivate;
  private final Resolver resolver;

  /** Name resolution, replaceable in tests. */
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  AddressPolicy(boolean allowPrivate) {
    this(allowPrivate, InetAddress::getAllByName);
  }

  AddressPolicy(boolean allowPrivate, Resolver resolver) {
    this.allowPrivate = allowPrivate;
    this.resolver = resolver;
  }

  /** A URL that is refused, and why (never with the URL's secrets: it has none, see parse). */
  static final class Refused extends Exception {
    private final boolean mayPass;

    Refused(String reason) {
      this(reason, false);
    }

    Refused(String reason, boolean mayPass) {
      super(reason, null, false, false);
      this.mayPass = mayPass;
    }

    /** True when a later try may succeed (the name did not resolve: DNS may be down). */
    boolean mayPass() {
      return mayPass;
    }
  }

  /** A URL as the sender uses it. */
  record Target(URI uri, String host, int port, boolean tls, String pathAndQuery) {}

  /** The URL's parts; refused unless it is an absolute http(s) URL with a host and no user info. */
  static Target parse(String url) throws Refused {
    if (url.length() > MAX_URL) {
      throw new Refused("too long");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new Refused("not a URL");
    }
    String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Refused("not http or https");
    }
    if (uri.getRawUserInfo() != null) {
      throw new Refused("user info is not allowed");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new Refused("no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    boolean tls = scheme.equals("https");
    int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
    String path = Optional.ofNullable(uri.getRawPath()).filter(p -> !p.isEmpty()).orElse("/");
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return new Target(uri, host, port, tls, path + query);
  }

  /**
   * The addresses the URL's host resolves to, each one allowed; refused when it does not resolve or
   * any address is not a public one (unless private addresses are allowed).
   */
  List<InetAddress> resolve(Target target) throws Refused {
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(target.host());
    } catch (UnknownHostException e) {
      throw new Refused("the host does not resolve", true);
    }
    if (addresses.length == 0) {
      throw new Refused("the host does not resolve", true);
    }
    if (!allowPrivate) {
      for (InetAddress address : addresses) {
        if (!isPublic(address)) {
          throw new Refused("the host resolves to a private or reserved address");
        }
      }
    }
    return List.of(addresses);
  }

  /** Whether the address is reachable on the public internet (not internal, not reserved). */
  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return isPublicV4(b);
    }
    if (address instanceof Inet6Address) {
      // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::/96)
      // addresses reach the IPv4 address they carry.
      if (zero(b, 0, 10) && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || zero(b, 10, 12))) {
        return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
        return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
      }
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {
        return false; // fc00::/7 unique local (fd00:ec2::254, the AWS metadata service)
      }
      if (first == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == (byte) 0xb8) {
        return false; // 2001:db8::/32 documentation
      }
      return true;
    }
    return false;
  }

  private static boolean isPublicV4(byte[] b) {
    int a = b[0] & 0xff;
    int second = b[1] & 0xff;
    int third = b[2] & 0xff;
    return !(a == 0 // this network
        || a == 10
        || a == 127
        || (a == 100 && second >= 64 && second <= 127) // carrier-grade NAT, 100.100.100.200
        || (a == 169 && second == 254) // link-local, 169.254.169.254
        || (a == 172 && second >= 16 && second <= 31)
        || (a == 192 && second == 168)
        || (a == 192 && second == 0 && third == 0) // IETF protocol assignments
        || (a == 192 && second == 0 && third == 2) // documentation
        || (a == 198 && (second == 18 || second == 19)) // benchmarking
        || (a == 198 && second == 51 && third == 100) // documentation
        || (a == 203 && second == 0 && third == 113) // documentation
        || a >= 224); // multicast, reserved, broadcast
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
