package dev.tokensmith.web;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.errors.ValidationException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A request's named values with typed, validating getters, the same for the query string and the
 * JSON body: a wrong type is 400 {@code invalid}, a missing required field 400 {@code required}, an
 * over-long text 400 {@code too_long}, each naming the field. Unknown fields are ignored. Values
 * that mean something beyond the web (permissions, usages, addresses) are handed out raw — texts —
 * for their own feature to read.
 */
public sealed interface Params permits JsonBody, QueryParams, Params.FirstOf {

  /** True when the field is present (in a body: even as null). */
  boolean has(String field);

  /** A nested object; an empty one when absent (a query string has none). */
  Params object(String field);

  /** A text of at most {@code max} characters; empty when absent or null. */
  Optional<String> text(String field, int max);

  /**
   * A text that is a secret (a password): like {@link #text}, but its errors never echo the value
   * back (null instead); empty when absent or null.
   */
  Optional<String> secretText(String field, int max);

  /** A boolean; empty when absent or null. */
  Optional<Boolean> bool(String field);

  /** A whole number within [min, max]; empty when absent or null. */
  Optional<Long> number(String field, long min, long max);

  /**
   * A list of texts (each at most {@code maxLength}), at most {@code maxItems}; empty when absent
   * or null.
   */
  Optional<List<String>> texts(String field, int maxItems, int maxLength);

  /** One id or a list of ids, as the list filters take them; an empty list when absent. */
  List<Long> ids(String field, int maxItems);

  /** A text that must be present and not blank. */
  default String requiredText(String field, int max) {
    String text = text(field, max).orElseThrow(() -> ValidationException.of(field, REQUIRED, null));
    if (text.isBlank()) {
      throw ValidationException.of(field, REQUIRED, text);
    }
    return text;
  }

  /** An object id: a whole number from 1 to 2^53; empty when absent or null. */
  default Optional<Long> id(String field) {
    return number(field, 1, 1L << 53);
  }

  /** A time in ISO-8601 with an offset; empty when absent or null. */
  default Optional<Instant> time(String field) {
    return text(field, 40)
        .map(
            text ->
                IsoTime.parse(text)
                    .orElseThrow(() -> ValidationException.of(field, INVALID, text)));
  }

  /**
   * These values, and for a field absent here the same field of {@code fallback}: a list's filters
   * come from the query string first, else from the body.
   */
  default Params or(Params fallback) {
    return new FirstOf(this, fallback);
  }

  /**
   * Reads each field from {@code first}, or from {@code fallback} when {@code first} does not have
   * it.
   */
  record FirstOf(Params first, Params fallback) implements Params {
    @Override
    public boolean has(String field) {
      return first.has(field) || fallback.has(field);
    }

    @Override
    public Params object(String field) {
      return first.has(field) ? first.object(field) : fallback.object(field);
    }

    @Override
    public Optional<String> text(String field, int max) {
      return first.text(field, max).or(() -> fallback.text(field, max));
    }

    @Override
    public Optional<String> secretText(String field, int max) {
      return first.secretText(field, max).or(() -> fallback.secretText(field, max));
    }

    @Override
    public Optional<Boolean> bool(String field) {
      return first.bool(field).or(() -> fallback.bool(field));
    }

    @Override
    public Optional<Long> number(String field, long min, long max) {
      return first.number(field, min, max).or(() -> fallback.number(field, min, max));
    }

    @Override
    public Optional<List<String>> texts(String field, int maxItems, int maxLength) {
      return first
          .texts(field, maxItems, maxLength)
          .or(() -> fallback.texts(field, maxItems, maxLength));
    }

    @Override
    public List<Long> ids(String field, int maxItems) {
      List<Long> ids = first.ids(field, maxItems);
      return ids.isEmpty() ? fallback.ids(field, maxItems) : ids;
    }
  }
}
