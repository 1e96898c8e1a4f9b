package dev.tokensmith.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.http.HttpHeaders;

/** An HTTP answer: status, the raw text, the parsed envelope (if JSON) and headers. */
public record Response(int status, String text, JsonNode json, HttpHeaders headers) {

  /** The envelope's {@code body}. */
  public JsonNode body() {
    return json == null ? MissingNode.getInstance() : json.path("body");
  }

  public long id() {
    return body().path("id").asLong();
  }

  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  @Override
  public String toString() {
    return status + " " + (text.length() > 500 ? text.substring(0, 500) + "…" : text);
  }
}
