package dev.tokensmith.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
  final List<String> cookies = new ArrayList<>();
  final Map<String, Object> envelope = new LinkedHashMap<>();
  Streamed streamed;

  /** Where a streamed body goes, piece by piece. */
  public interface Output {
    void write(String text);

    /** Sends what was written so far, and waits until the client's connection has taken it. */
    void flush();
  }

  /**
   * A body written piece by piece on the worker thread, sent as it comes (chunked): a download of
   * any size in constant memory. What it throws before its first piece has gone out is answered as
   * any error; after that, the connection is reset, so a cut download never looks complete.
   */
  @FunctionalInterface
  public interface Streamed {
    void writeTo(Output out);
  }

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

  /**
   * A field of the envelope beside {@code status} and {@code body} (a list's {@code next_cursor}):
   * clients that read only those two are not disturbed.
   */
  public Reply with(String field, Object value) {
    envelope.put(field, value);
    return this;
  }

  /** A raw body of this content type, written by {@code body} as it goes. */
  public static Reply stream(String contentType, Streamed body) {
    Reply reply = new Reply(200, null, contentType);
    reply.streamed = body;
    return reply;
  }

  public Reply header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** One {@code Set-Cookie} header more (a reply may set several cookies). */
  public Reply cookie(String setCookie) {
    cookies.add(setCookie);
    return this;
  }

  /**
   * The answer the server gives for this error ({@code 401}, a validation error, {@code 429} with
   * its {@code Retry-After}, …), for a handler that must add to it.
   */
  public static Reply failure(Throwable error) {
    return ErrorMapper.toReply(error);
  }
}
