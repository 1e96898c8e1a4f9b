package dev.tokensmith.web;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;

import dev.tokensmith.errors.ValidationException;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The query string read as {@link Params}: every value is text, so a number or a boolean is read
 * from its text ({@code true}/{@code false}), and a list from a repeated parameter. A nested object
 * is written with brackets, as Rails and the Wallarm client library write it: {@code filter[id]=1},
 * a list also {@code filter[id][]=1&filter[id][]=2}. A query string with a broken %-escape is 400
 * {@code query invalid}, whichever parameter is asked for.
 */
final class QueryParams implements Params {
  private final HttpServerRequest http;
  // The nested object's name as the parameters spell it ("filter", "a[b]"), or null at the top.
  private final String prefix;

  QueryParams(HttpServerRequest http) {
    this(http, null);
  }

  private QueryParams(HttpServerRequest http, String prefix) {
    this.http = http;
    this.prefix = prefix;
  }

  private String key(String field) {
    return prefix == null ? field : prefix + "[" + field + "]";
  }

  private List<String> values(String field) {
    try {
      List<String> values = http.params().getAll(key(field));
      return values.isEmpty() && prefix != null ? http.params().getAll(key(field) + "[]") : values;
    } catch (IllegalArgumentException e) {
      throw ValidationException.of("query", INVALID, null);
    }
  }

  private String value(String name) {
    List<String> values = values(name);
    return values.isEmpty() ? null : values.get(0);
  }

  @Override
  public boolean has(String field) {
    return value(field) != null;
  }

  @Override
  public Params object(String field) {
    return new QueryParams(http, key(field));
  }

  @Override
  public Optional<String> text(String field, int max) {
    return Optional.ofNullable(value(field)).map(raw -> TextRules.checked(field, raw, max));
  }

  @Override
  public Optional<String> secretText(String field, int max) {
    return Optional.ofNullable(value(field)).map(raw -> TextRules.checkedSecret(field, raw, max));
  }

  @Override
  public Optional<Boolean> bool(String field) {
    return Optional.ofNullable(value(field))
        .map(
            raw ->
                switch (raw) {
                  case "true" -> true;
                  case "false" -> false;
                  default -> throw ValidationException.of(field, INVALID, raw);
                });
  }

  @Override
  public Optional<Long> number(String field, long min, long max) {
    return Optional.ofNullable(value(field)).map(raw -> parseNumber(field, raw, min, max));
  }

  @Override
  public Optional<List<String>> texts(String field, int maxItems, int maxLength) {
    List<String> values = values(field);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > maxItems) {
      throw ValidationException.of(field, INVALID, null);
    }
    for (String value : values) {
      if (value.length() > maxLength || !TextRules.wellFormed(value)) {
        throw ValidationException.of(field, INVALID, null);
      }
    }
    return Optional.of(List.copyOf(values));
  }

  @Override
  public List<Long> ids(String field, int maxItems) {
    List<String> values = values(field);
    if (values.size() > maxItems) {
      throw ValidationException.of(field, INVALID, null);
    }
    List<Long> ids = new ArrayList<>(values.size());
    for (String value : values) {
      ids.add(parseNumber(field, value, 1, 1L << 53));
    }
    return ids;
  }

  private static long parseNumber(String name, String raw, long min, long max) {
    try {
      long value = Long.parseLong(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw ValidationException.of(name, INVALID, raw);
  }
}
