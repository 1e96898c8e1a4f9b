package dev.tokensmith.errors;

/**
 * The one unchecked base of every error a request can end in. The web layer maps it to the spec's
 * {@code {"status", "body"}} envelope; the message is never shown for anything but {@link #body()},
 * so it must not carry a secret.
 */
public class ServiceException extends RuntimeException {
  private final int status;
  private final Object body;

  public ServiceException(int status, Object body) {
    super(String.valueOf(body), null, false, false);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  /** What goes into the envelope's {@code body}: a string or a JSON-serialisable map. */
  public Object body() {
    return body;
  }

  public static ServiceException notFound() {
    return new ServiceException(404, "Not found");
  }

  public static ServiceException forbidden() {
    return new ServiceException(403, "Check permissions failed");
  }

  public static ServiceException unauthorized() {
    return new ServiceException(401, "Unauthorized");
  }

  public static ServiceException conflict(String what) {
    return new ServiceException(409, what);
  }

  public static ServiceException gone(String what) {
    return new ServiceException(410, what);
  }

  /** 415: a body sent in a format the endpoint does not take. */
  public static ServiceException unsupportedMediaType() {
    return new ServiceException(415, "Unsupported Media Type");
  }

  public static ServiceException unavailable() {
    return new ServiceException(503, "Service unavailable");
  }
}
