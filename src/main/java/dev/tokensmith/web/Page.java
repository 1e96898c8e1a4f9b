package dev.tokensmith.web;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;

import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.storage.Window;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * One page of a list: {@code limit} (default 50, 1–1000), and where it starts — {@code offset}
 * (default 0), or the {@code cursor} an earlier page answered as {@code next_cursor}.
 *
 * <p>A cursor is opaque to callers. A list in its natural order (by id; the activity log newest
 * first) answers a keyset cursor, the last id it answered: the next page is read from the index
 * where the last one ended, as fast at the millionth row as at the first, and rows added or removed
 * meanwhile neither repeat nor skip one. A list ordered by another field answers an offset cursor.
 *
 * @param after the id the page starts after (a keyset cursor), or null
 */
public record Page(int limit, int offset, Long after) {
  public static final int MAX_LIMIT = 1000;
  private static final int MAX_CURSOR = 32;
  private static final Pattern CURSOR = Pattern.compile("([ko])([0-9]{1,18})");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  /** From the query string, else from the JSON body's top level. */
  public static Page of(Request request) {
    Params params = request.query().or(request.body());
    long limit = params.number("limit", 1, MAX_LIMIT).orElse(50L);
    String cursor = params.text("cursor", MAX_CURSOR).filter(c -> !c.isEmpty()).orElse(null);
    if (cursor == null) {
      long offset = params.number("offset", 0, 1_000_000_000).orElse(0L);
      return new Page((int) limit, (int) offset, null);
    }
    if (params.number("offset", 0, 1_000_000_000).orElse(0L) != 0) {
      throw ValidationException.of("offset", NOT_ALLOWED, "with cursor");
    }
    var decoded = CURSOR.matcher(decode(cursor));
    if (!decoded.matches()) {
      throw ValidationException.of("cursor", INVALID, cursor);
    }
    long value = Long.parseLong(decoded.group(2));
    return decoded.group(1).equals("k")
        ? new Page((int) limit, 0, value)
        : new Page((int) limit, (int) Math.min(value, 1_000_000_000), null);
  }

  private static String decode(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** The rows to read: one more than the page, which tells whether another page follows. */
  public Window window() {
    return new Window(limit + 1, offset, after);
  }

  /**
   * The answer of a list in its natural (id) order: the page of {@code rows} (read through {@link
   * #window()}), as {@code view} shows them, and a keyset {@code next_cursor} (null on the last
   * page).
   */
  public <T> Reply keyset(List<T> rows, ToLongFunction<T> id, Function<T, ?> view) {
    boolean more = rows.size() > limit;
    List<T> page = more ? rows.subList(0, limit) : rows;
    String next = more ? cursor("k" + id.applyAsLong(page.get(limit - 1))) : null;
    return Reply.of(200, page.stream().map(view).toList()).with("next_cursor", next);
  }

  /**
   * The answer of a list in another order: as {@link #keyset}, with an offset cursor. Refuses a
   * keyset cursor, which belongs to the natural order.
   */
  public <T> Reply byOffset(List<T> rows, Function<T, ?> view) {
    boolean more = rows.size() > limit;
    List<T> page = more ? rows.subList(0, limit) : rows;
    String next = more ? cursor("o" + ((long) offset + limit)) : null;
    return Reply.of(200, page.stream().map(view).toList()).with("next_cursor", next);
  }

  /** Refuses a keyset cursor where a list is read in an order it does not belong to. */
  public Page requireOffset(String cursorOf) {
    if (after != null) {
      throw ValidationException.of("cursor", INVALID, cursorOf);
    }
    return this;
  }

  private static String cursor(String plain) {
    return ENCODER.encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
  }
}
