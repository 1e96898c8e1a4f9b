package dev.tokensmith.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response other than the plain 200 envelope: another status, extra headers, or a raw body (CSV)
 * that is sent as it is instead of inside the envelope.
 */
public final class Reply {
  final int status;
  final Object body;
  final String rawContentType;
  final Map<String, String> headers = new LinkedHashMap<>();

  private Reply(int status, Object body, String rawContentType) {
    this.status = status;
    this.body = body;
    this.rawContentType = rawContentType;
  }

  /** The envelope with this status and body. */
  public static Reply of(int status, Object body) {
    return new Reply(status, body, null);
  }

  /**
   * What a handler returned, as the reply to send: a {@link Reply} as it is, anything else as a 200
   * body.
   */
  static Reply from(Object value) {
    return value instanceof Reply reply ? reply : of(200, value);
  }

  /**
   * The answer to a body over {@link WebServer#MAX_BODY_BYTES}, from the router or the hot lane.
   */
  static Reply bodyTooLarge() {
    return of(413, "Request body too large");
  }

  /** A raw text body (not enveloped) with its content type. */
  public static Reply raw(String contentType, String text) {
    return new Reply(200, text, contentType);
  }

  public Reply header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
