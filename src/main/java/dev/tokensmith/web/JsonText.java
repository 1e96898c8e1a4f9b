package dev.tokensmith.web;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A body that is already JSON, assembled as UTF-8 bytes from ready-made parts and written into the
 * envelope as it is: for the answer on the hot path, where serialising, building a string and
 * encoding it cost more than the answer's own work. The bytes go straight into the buffer the
 * response is written from, behind the envelope's opening for a 200, so the answer is copied once.
 * Its maker guarantees that what it appends is one valid JSON value.
 */
public final class JsonText {
  private static final byte[] OK_OPENING = opening(200);

  private final Buffer buffer;
  private boolean closed;

  private JsonText(int capacity) {
    buffer = Buffer.buffer(OK_OPENING.length + capacity + 1).appendBytes(OK_OPENING);
  }

  /** An empty body, with room for about {@code capacity} bytes. */
  public static JsonText withCapacity(int capacity) {
    return new JsonText(capacity);
  }

  /** The UTF-8 bytes of {@code json}, to append often without encoding it each time. */
  public static byte[] encoded(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  public JsonText append(byte[] json) {
    buffer.appendBytes(json);
    return this;
  }

  /** One ASCII character of JSON syntax ({@code { , " }}); refuses any other. */
  public JsonText append(char ascii) {
    if (ascii >= 0x80) {
      throw new IllegalArgumentException("not ASCII: " + (int) ascii);
    }
    buffer.appendByte((byte) ascii);
    return this;
  }

  public JsonText append(long number) {
    return appendAscii(Long.toString(number));
  }

  /**
   * JSON text made of ASCII only (a number, a literal, a time): appended as it is; refuses any
   * other.
   */
  public JsonText appendAscii(String json) {
    for (int i = 0; i < json.length(); i++) {
      append(json.charAt(i));
    }
    return this;
  }

  /** The body's length so far, in bytes. */
  public int length() {
    return buffer.length() - OK_OPENING.length;
  }

  /**
   * The envelope {@code {"status": status, "body": <this>}}, to write once: for a 200 the buffer
   * the body was written into.
   */
  Buffer envelope(int status) {
    if (closed) {
      throw new IllegalStateException("the answer was written already");
    }
    closed = true;
    if (status == 200) {
      return buffer.appendByte((byte) '}');
    }
    byte[] opening = opening(status);
    Buffer body = buffer.slice(OK_OPENING.length, buffer.length());
    return Buffer.buffer(opening.length + body.length() + 1)
        .appendBytes(opening)
        .appendBuffer(body)
        .appendByte((byte) '}');
  }

  private static byte[] opening(int status) {
    return ("{\"status\":" + status + ",\"body\":").getBytes(StandardCharsets.US_ASCII);
  }
}
