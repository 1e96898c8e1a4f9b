package dev.tokensmith.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a handler on the worker pool and writes what it returns: the one place where blocking work
 * leaves the event loop, and the one writer of the {@code {"status", "body"}} envelope, for the
 * router and the hot lane alike.
 */
final class Responder {
  private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");

  private final Vertx vertx;
  private final ObjectMapper json;

  Responder(Vertx vertx, ObjectMapper json) {
    this.vertx = vertx;
    this.json = json;
  }

  /**
   * Runs {@code handler} on a worker thread, authenticating first when {@code authenticated};
   * writes its answer.
   */
  void runBlocking(
      HttpServerResponse response, Request request, Handler handler, boolean authenticated) {
    vertx
        .executeBlocking(
            () -> {
              if (authenticated) {
                request.caller();
              }
              return handler.handle(request);
            },
            false)
        .onComplete(
            result -> {
              if (result.succeeded()) {
                write(response, Reply.from(result.result()));
              } else {
                write(response, ErrorMapper.toReply(result.cause()));
              }
            });
  }

  /** Writes a reply: the envelope, or a raw body. Nothing once the response has ended. */
  void write(HttpServerResponse response, Reply reply) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(reply.status);
    reply.headers.forEach(response::putHeader);
    if (reply.rawContentType != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, reply.rawContentType).end((String) reply.body);
      return;
    }
    String text;
    if (reply.body instanceof JsonText written) {
      text = "{\"status\":" + reply.status + ",\"body\":" + written.text() + "}";
    } else {
      Map<String, Object> envelope = new LinkedHashMap<>();
      envelope.put("status", reply.status);
      envelope.put("body", reply.body);
      try {
        text = json.writeValueAsString(envelope);
      } catch (JsonProcessingException e) {
        response.setStatusCode(500);
        text = "{\"status\":500,\"body\":\"Internal server error\"}";
      }
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(text);
  }
}
