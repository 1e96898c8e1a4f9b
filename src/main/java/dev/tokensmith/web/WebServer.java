package dev.tokensmith.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.net.IpRange;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server: one verticle per event loop, all on the same port, each with its own router
 * holding every feature's routes behind the body limit and the security headers.
 */
public final class WebServer {
  /** Largest accepted request body; above it the answer is 413. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final Authentication authenticator;
  private final ObjectMapper json;
  private final List<Api> apis;
  private final ClientAddress clientAddress;
  private final SecurityHeaders securityHeaders;
  private final String host;
  private final int instances;
  private final long requestTimeoutMillis;
  private final HttpMetrics metrics;
  private final boolean accessLog;
  private final SecureRandom random = new SecureRandom();
  private volatile int port;
  private volatile List<String> routes = List.of();
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

  /**
   * @param behindTls users reach the server over HTTPS: every answer carries
   *     Strict-Transport-Security
   * @param requestTimeout how long an HTTP/2 stream may take to send its body; HTTP/1 connections
   *     are bounded by the same timeout in the transport ({@link TimedTransport})
   * @param metrics where every answered request is timed
   * @param accessLog true to log a line for every answered request ({@link Exchange})
   */
  public WebServer(
      Vertx vertx,
      Authentication authenticator,
      ObjectMapper json,
      List<Api> apis,
      String host,
      List<String> trustedProxies,
      int instances,
      boolean behindTls,
      Duration requestTimeout,
      HttpMetrics metrics,
      boolean accessLog) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.requestTimeoutMillis = requestTimeout.toMillis();
    this.authenticator = authenticator;
    this.json = json;
    this.apis = List.copyOf(apis);
    this.host = host;
    this.instances = instances;
    this.clientAddress =
        new ClientAddress(
            trustedProxies.stream().map(IpRange::parse).flatMap(Optional::stream).toList());
    this.securityHeaders = new SecurityHeaders(behindTls);
  }

  /** Starts listening and returns the port (a random free one when {@code port} is 0). */
  public int start(int requestedPort) throws Exception {
    return start(requestedPort, 1);
  }

  /**
   * The same, where a random port is shared by the servers of one {@code randomPortGroup} only (a
   * second server of the process, such as the management port's, takes another group).
   */
  public int start(int requestedPort, int randomPortGroup) throws Exception {
    // A negative port makes every instance share one random port (Vert.x), so port 0 works with N
    // loops; each negative number is a random port of its own.
    int listenPort = requestedPort == 0 ? -randomPortGroup : requestedPort;
    vertx
        .deployVerticle(
            () -> new ServerVerticle(listenPort), new DeploymentOptions().setInstances(instances))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    return port;
  }

  /**
   * Stops taking connections and lets requests in flight be answered, for at most {@code grace};
   * connections still open after it are closed. Idle keep-alive connections close at once.
   */
  public void stop(Duration grace) throws Exception {
    Future.all(
            servers.stream().map(s -> s.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS)).toList())
        .toCompletionStage()
        .toCompletableFuture()
        .get(grace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
  }

  private final class ServerVerticle extends VerticleBase {
    private final int listenPort;

    ServerVerticle(int listenPort) {
      this.listenPort = listenPort;
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      Responder responder = new Responder(vertx, json);
      Requests requests = new Requests(authenticator, json, clientAddress);
      HotLane hotLane = new HotLane(vertx, requests, responder, securityHeaders, accessLog);
      Routes routes = new Routes(router, hotLane, requests, responder, metrics);
      RequestIds requestIds = new RequestIds(random);
      router.route().handler(ctx -> Exchange.begin(ctx, metrics, accessLog));
      router.route().handler(securityHeaders::apply);
      router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
      apis.forEach(api -> api.routes(routes));
      WebServer.this.routes = routes.registered();
      router.errorHandler(404, ctx -> responder.write(ctx.response(), Reply.of(404, "Not found")));
      router.errorHandler(
          405, ctx -> responder.write(ctx.response(), Reply.of(405, "Method not allowed")));
      router.errorHandler(413, ctx -> responder.write(ctx.response(), Reply.bodyTooLarge()));
      router.errorHandler(
          400, ctx -> responder.write(ctx.response(), Reply.of(400, "Bad request")));
      router.errorHandler(
          500, ctx -> responder.write(ctx.response(), ErrorMapper.toReply(failure(ctx))));
      // The body handler's code for a body that broke off (the client went away, or took too long
      // and was cut off): usually nobody is left to answer, and it is no server error to log.
      router.errorHandler(
          200,
          ctx -> {
            if (!ctx.response().closed()) {
              responder.write(ctx.response(), Reply.of(400, "Bad request"));
            }
          });
      // No WebSocket is ever served: without its compression extensions Netty's pipeline loses a
      // handler that otherwise inspects every request and response.
      HttpServerOptions options =
          new HttpServerOptions()
              .setHost(host)
              .setCompressionSupported(false)
              .setPerMessageWebSocketCompressionSupported(false)
              .setPerFrameWebSocketCompressionSupported(false)
              .setMaxHeaderSize(16 * 1024);
      // The hot lane answers its endpoints before the router; everything else goes through it.
      return vertx
          .createHttpServer(options)
          .requestHandler(
              request -> {
                String requestId = requestIds.assign(request);
                if (request.version() == HttpVersion.HTTP_2 && !request.isEnded()) {
                  timeStream(request, responder);
                }
                if (!hotLane.serve(request, requestId)) {
                  router.handle(request);
                }
              })
          .invalidRequestHandler(request -> invalidRequest(request, requestIds))
          .listen(listenPort)
          .onSuccess(
              server -> {
                servers.add(server);
                port = server.actualPort();
              });
    }
  }

  // The streams of an HTTP/2 connection are timed one by one: each body must arrive within the
  // timeout of its head, or the stream is answered 408 (and reset, so the client stops sending).
  // The timer goes as soon as the body is in, so that a busy connection holds only its pending
  // streams'.
  private void timeStream(HttpServerRequest request, Responder responder) {
    long timer =
        vertx.setTimer(
            requestTimeoutMillis,
            id -> {
              HttpServerResponse response = request.response();
              if (!request.isEnded() && !response.ended() && !response.closed()) {
                responder.write(response, Reply.of(408, "Request timeout"));
                response.reset();
              }
            });
    request.end().onComplete(received -> vertx.cancelTimer(timer));
  }

  // Netty refuses an over-long request line or header block before any route runs; the answer
  // still comes in the envelope. Anything else that is not HTTP just loses the connection.
  private void invalidRequest(HttpServerRequest request, RequestIds requestIds) {
    Throwable cause = request.decoderResult().cause();
    int status =
        cause instanceof TooLongHttpLineException
            ? 414
            : cause instanceof TooLongHttpHeaderException ? 431 : 0;
    if (status == 0) {
      request.connection().close();
      return;
    }
    String body = status == 414 ? "Request line too long" : "Request headers too large";
    securityHeaders.api(request.response());
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .putHeader(RequestIds.HEADER, requestIds.fresh())
        .end("{\"status\":" + status + ",\"body\":\"" + body + "\"}");
  }

  private static Throwable failure(RoutingContext ctx) {
    return ctx.failure() != null
        ? ctx.failure()
        : new IllegalStateException("request failed with " + ctx.statusCode());
  }

  /**
   * Every route the server answers, as {@code "METHOD /path"} (for the OpenAPI document's test).
   */
  public List<String> routes() {
    return routes;
  }

  /** The listening port once started. */
  public int port() {
    return port;
  }
}
