package dev.tokensmith.web;

import dev.tokensmith.net.IpRange;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The caller's address: the TCP peer, or — when the peer is a trusted proxy — the nearest address
 * in {@code X-Forwarded-For} that is not itself a trusted proxy.
 */
final class ClientAddress {
  private final List<IpRange> trustedProxies;

  ClientAddress(List<IpRange> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  String of(HttpServerRequest request) {
    // The connection's peer itself (the request's view would run vertx-web's Forwarded parser).
    SocketAddress peer = request.connection().remoteAddress();
    String address = peer == null || peer.hostAddress() == null ? "0.0.0.0" : peer.hostAddress();
    if (trustedProxies.isEmpty() || !trusted(address)) {
      return address;
    }
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null) {
      return address;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0 && i >= hops.length - 20; i--) {
      String hop = hops[i].trim();
      if (IpRange.address(hop).isEmpty()) {
        return address;
      }
      if (!trusted(hop)) {
        return hop;
      }
    }
    return address;
  }

  private boolean trusted(String address) {
    Optional<byte[]> bytes = IpRange.address(address);
    return bytes.isPresent()
        && trustedProxies.stream().anyMatch(range -> range.contains(bytes.get()));
  }
}
