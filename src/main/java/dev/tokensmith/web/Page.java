package dev.tokensmith.web;

/** {@code limit} (default 50, 1–1000) and {@code offset} (default 0) of a list request. */
public record Page(int limit, int offset) {
  public static final int MAX_LIMIT = 1000;

  /** From the query string, else from the JSON body's top level. */
  public static Page of(Request request) {
    Params params = request.query().or(request.body());
    long limit = params.number("limit", 1, MAX_LIMIT).orElse(50L);
    long offset = params.number("offset", 0, 1_000_000_000).orElse(0L);
    return new Page((int) limit, (int) offset);
  }
}
