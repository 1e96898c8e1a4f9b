package dev.tokensmith.web;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.transport.Transport;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's own network transport, except that every connection a server accepts gets a {@link
 * RequestDeadline} first in its pipeline. Vert.x offers no hook at accept time (its HTTP connection
 * handler runs only once the first request's head has been read, too late for a client that never
 * finishes one); the transport's server set-up is the one place that sees each connection from its
 * first byte.
 */
public final class TimedTransport implements Transport {
  private final Transport base;
  private final Spi implementation;

  /**
   * {@code base} (usually {@link Transport#NIO}) with requests bounded by {@code requestTimeout}.
   *
   * @param behindTls users reach the server over HTTPS (the timeout's answer carries
   *     Strict-Transport-Security)
   */
  public TimedTransport(Transport base, Duration requestTimeout, boolean behindTls) {
    this.base = base;
    this.implementation =
        new Spi(
            base.implementation(),
            requestTimeout.toNanos(),
            new SecurityHeaders(behindTls).apiHeaders());
  }

  @Override
  public String name() {
    return base.name();
  }

  @Override
  public boolean available() {
    return base.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return base.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return implementation;
  }

  private static final class Spi implements io.vertx.core.spi.transport.Transport {
    private final io.vertx.core.spi.transport.Transport base;
    private final long timeoutNanos;
    private final CharSequence[][] securityHeaders;

    Spi(
        io.vertx.core.spi.transport.Transport base,
        long timeoutNanos,
        CharSequence[][] securityHeaders) {
      this.base = base;
      this.timeoutNanos = timeoutNanos;
      this.securityHeaders = securityHeaders;
    }

    @Override
    public void configure(
        NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      base.configure(options, domainSocket, bootstrap);
      // Vert.x has set its own child handler by now; it runs right after the deadline is in place.
      ChannelHandler vertx = bootstrap.config().childHandler();
      bootstrap.childHandler(
          new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
              channel.pipeline().addLast(new RequestDeadline(timeoutNanos, securityHeaders), vertx);
            }
          });
    }

    @Override
    public boolean supportsDomainSockets() {
      return base.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return base.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return base.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return base.unavailabilityCause();
    }

    @Override
    public java.net.SocketAddress convert(SocketAddress address) {
      return base.convert(address);
    }

    @Override
    public SocketAddress convert(java.net.SocketAddress address) {
      return base.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return base.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(
        int type, int threads, ThreadFactory factory, int ioRatio) {
      return base.eventLoopGroup(type, threads, factory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel() {
      return base.datagramChannel();
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return base.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return base.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      return base.serverChannelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      base.configure(channel, options);
    }

    @Override
    public void configure(
        ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
      base.configure(options, connectTimeout, domainSocket, bootstrap);
    }
  }
}
