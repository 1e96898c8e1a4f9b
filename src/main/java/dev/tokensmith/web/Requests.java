package dev.tokensmith.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.UnaryOperator;

/**
 * Builds the {@link Request} an endpoint sees, with the server's authentication, JSON and address
 * settings.
 */
record Requests(Authentication authenticator, ObjectMapper json, ClientAddress clientAddress) {

  /**
   * @param body the body as received (null when there is none)
   * @param pathParams a path parameter's value by name, or null
   * @param onEventLoop true on the hot lane's first try: the caller is then read from memory only
   */
  Request of(
      HttpServerRequest http, Buffer body, UnaryOperator<String> pathParams, boolean onEventLoop) {
    return new Request(http, body, pathParams, authenticator, json, clientAddress, onEventLoop);
  }
}
