package dev.tokensmith.web;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;

import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.storage.SeekPast;
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
 * meanwhile neither repeat nor skip one. A list ordered by another field answers an offset cursor,
 * or (where the list supports it, {@link #sorted}) a seek cursor: the order's name, the last row's
 * value in it and its id, so the next page starts past that row however the list changed; such a
 * cursor is refused (400) under any other order.
 *
 * @param after the id the page starts after (a keyset cursor), or null
 * @param seek where a page of a sorted list starts (a seek cursor), or null
 */
public record Page(int limit, int offset, Long after, Seek seek) {
  public static final int MAX_LIMIT = 1000;
  // A seek cursor carries a value of up to 255 characters (a name), four bytes each at most.
  private static final int MAX_CURSOR = 1400;
  private static final Pattern CURSOR = Pattern.compile("([ko])([0-9]{1,18})");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  /** From the query string, else from the JSON body's top level. */
  public static Page of(Request request) {
    Params params = request.query().or(request.body());
    long limit = params.number("limit", 1, MAX_LIMIT).orElse(50L);
    String cursor = params.text("cursor", MAX_CURSOR).filter(c -> !c.isEmpty()).orElse(null);
    if (cursor == null) {
      long offset = params.number("offset", 0, 1_000_000_000).orElse(0L);
      return new Page((int) limit, (int) offset, null, null);
    }
    if (params.number("offset", 0, 1_000_000_000).orElse(0L) != 0) {
      throw ValidationException.of("offset", NOT_ALLOWED, "with cursor");
    }
    String plain = decode(cursor);
    if (plain.startsWith("s")) {
      String[] parts = plain.substring(1).split("\n", 3);
      // The value is compared with a text column: U+0000, which no stored text holds (TextRules),
      // is refused as it would be anywhere else in a request.
      if (parts.length != 3
          || parts[0].isEmpty()
          || !parts[1].matches("[0-9]{1,18}")
          || parts[2].indexOf('\0') >= 0) {
        throw ValidationException.of("cursor", INVALID, cursor);
      }
      return new Page((int) limit, 0, null, new Seek(parts[0], Long.parseLong(parts[1]), parts[2]));
    }
    var decoded = CURSOR.matcher(plain);
    if (!decoded.matches()) {
      throw ValidationException.of("cursor", INVALID, cursor);
    }
    long value = Long.parseLong(decoded.group(2));
    return decoded.group(1).equals("k")
        ? new Page((int) limit, 0, value, null)
        : new Page((int) limit, (int) Math.min(value, 1_000_000_000), null, null);
  }

  /**
   * Where a page of a sorted list starts: past the row with this {@code value} (as text) in the
   * order named {@code order}, and this {@code id} among equal values.
   */
  public record Seek(String order, long id, String value) {}

  private static String decode(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /**
   * The rows to read: one more than the page, which tells whether another page follows. Refuses a
   * seek cursor, which belongs to a sorted list.
   */
  public Window window() {
    if (seek != null) {
      throw ValidationException.of("cursor", INVALID, "of another order");
    }
    return new Window(limit + 1, offset, after);
  }

  /**
   * Where a page of a list sorted by {@code order} starts: null on a first page or by offset, else
   * past the cursor's row, its value a {@code Long} in an order by a number ({@code numeric}), else
   * its text. Refuses (400) a cursor made under another order, a keyset cursor of the natural one,
   * or a value that is not a number where one is due.
   */
  public SeekPast seekPast(String order, boolean numeric) {
    if (after != null || seek != null && !seek.order().equals(order)) {
      throw ValidationException.of("cursor", INVALID, "of another order");
    }
    if (seek == null) {
      return null;
    }
    if (!numeric) {
      return new SeekPast(seek.value(), seek.id());
    }
    try {
      return new SeekPast(Long.parseLong(seek.value()), seek.id());
    } catch (NumberFormatException e) {
      throw ValidationException.of("cursor", INVALID, "of another order");
    }
  }

  /**
   * The rows of a page of a sorted list to read: one more than the page; where they start is {@link
   * #seekPast}'s to say (or the offset's).
   */
  public Window sortedWindow() {
    return new Window(limit + 1, offset, null);
  }

  /**
   * The answer of a list sorted by {@code order} (read with {@link #seekPast}): the page of {@code
   * rows} as {@code view} shows them, and a seek {@code next_cursor} after the last one (null on
   * the last page), {@code value} giving its value in the order as text (null: none).
   */
  public <T> Reply sorted(
      List<T> rows,
      String order,
      ToLongFunction<T> id,
      Function<T, String> value,
      Function<T, ?> view) {
    boolean more = rows.size() > limit;
    List<T> page = more ? rows.subList(0, limit) : rows;
    String next = null;
    if (more) {
      T last = page.get(limit - 1);
      String text = value.apply(last);
      next =
          ENCODER.encodeToString(
              ("s" + order + "\n" + id.applyAsLong(last) + "\n" + (text == null ? "" : text))
                  .getBytes(StandardCharsets.UTF_8));
    }
    return Reply.of(200, page.stream().map(view).toList()).with("next_cursor", next);
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
    if (after != null || seek != null) {
      throw ValidationException.of("cursor", INVALID, cursorOf);
    }
    return this;
  }

  private static String cursor(String plain) {
    return ENCODER.encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
  }
}
