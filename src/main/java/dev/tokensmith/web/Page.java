package dev.tokensmith.web;

/** {@code limit} (default 50, 1–1000) and {@code offset} (default 0) of a list request. */
public record Page(int limit, int offset) {
  public static final int MAX_LIMIT = 1000;

  /** From the query string, else from the JSON body's top level. */
  public static Page of(Request request) {
    JsonBody body = request.body();
    long limit = request.queryNumber("limit", 1, MAX_LIMIT).or(() -> body.number("limit", 1, MAX_LIMIT)).orElse(50L);
    long offset = request.queryNumber("offset", 0, 1_000_000_000).or(() -> body.number("offset", 0, 1_000_000_000))
        .orElse(0L);
    return new Page((int) limit, (int) offset);
  }
}
