package dev.tokensmith.web;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;
import static dev.tokensmith.errors.ValidationException.Code.TOO_LONG;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokensmith.errors.ValidationException;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A request's JSON object with typed, validating getters: a wrong type is 400 {@code invalid},
 * a missing required field 400 {@code required}, an over-long text 400 {@code too_long}, each
 * naming the field (a nested object's fields by their own name). Unknown fields are ignored.
 */
public final class JsonBody {
  private final ObjectNode node;

  private JsonBody(ObjectNode node) {
    this.node = node;
  }

  /**
   * Parses a body as received (null = none); an empty or blank body is an empty object, anything
   * but a JSON object in valid UTF-8 is 400 (bad bytes are refused, never replaced with U+FFFD).
   */
  public static JsonBody parse(ObjectMapper json, Buffer raw) {
    // The verifier's usual body is "{}" or nothing: read from the bytes, no text or parser needed.
    if (raw == null || isBlank(raw) || raw.length() == 2 && raw.getByte(0) == '{' && raw.getByte(1) == '}') {
      return empty();
    }
    try {
      JsonNode parsed = json.readTree(text(raw));
      if (parsed instanceof ObjectNode object) {
        return new JsonBody(object);
      }
    } catch (JacksonException | CharacterCodingException e) {
      // falls through: not JSON
    }
    throw ValidationException.badBody();
  }

  private static boolean isBlank(Buffer raw) {
    for (int i = 0; i < raw.length(); i++) {
      byte b = raw.getByte(i);
      if (b < 0 || !Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  // ASCII (nearly every body) needs no checking; anything else must be well-formed UTF-8.
  private static String text(Buffer raw) throws CharacterCodingException {
    for (int i = 0; i < raw.length(); i++) {
      if (raw.getByte(i) < 0) {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw.getBytes())).toString();
      }
    }
    return raw.toString(StandardCharsets.US_ASCII);
  }

  public static JsonBody empty() {
    return new JsonBody(JsonNodeFactory.instance.objectNode());
  }

  /** True when the field is present, even as null. */
  public boolean has(String field) {
    return node.has(field);
  }

  private Optional<JsonNode> value(String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  /** A nested object; an empty one when absent. */
  public JsonBody object(String field) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return empty();
    }
    if (!(value.get() instanceof ObjectNode object)) {
      throw ValidationException.of(field, INVALID, null);
    }
    return new JsonBody(object);
  }

  /** A text of at most {@code max} characters; empty when absent or null. */
  public Optional<String> text(String field, int max) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!value.get().isTextual()) {
      throw ValidationException.of(field, INVALID, value.get().toString());
    }
    String text = value.get().asText();
    if (text.length() > max) {
      throw ValidationException.of(field, TOO_LONG, text);
    }
    // PostgreSQL cannot store U+0000 in a text column; no name or e-mail needs one.
    if (text.indexOf('\0') >= 0 || !wellFormed(text)) {
      throw ValidationException.of(field, INVALID, text);
    }
    return Optional.of(text);
  }

  /**
   * False when {@code text} holds half of a surrogate pair alone (a JSON escape can write one): that is
   * no character, and UTF-8 storage would turn it into {@code ?}.
   */
  private static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A text that is a secret (a password): like {@link #text}, but its errors never echo the value
   * back (null instead); empty when absent or null.
   */
  public Optional<String> secretText(String field, int max) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!value.get().isTextual()) {
      throw ValidationException.of(field, INVALID, null);
    }
    String text = value.get().asText();
    if (text.length() > max) {
      throw ValidationException.of(field, TOO_LONG, null);
    }
    return Optional.of(text);
  }

  /** A text that must be present and not blank. */
  public String requiredText(String field, int max) {
    String text = text(field, max).orElseThrow(() -> ValidationException.of(field, REQUIRED, null));
    if (text.isBlank()) {
      throw ValidationException.of(field, REQUIRED, text);
    }
    return text;
  }

  /** A boolean; empty when absent or null. */
  public Optional<Boolean> bool(String field) {
    Optional<JsonNode> value = value(field);
    if (value.isPresent() && !value.get().isBoolean()) {
      throw ValidationException.of(field, INVALID, value.get().toString());
    }
    return value.map(JsonNode::asBoolean);
  }

  /** A whole number within [min, max]; empty when absent or null. */
  public Optional<Long> number(String field, long min, long max) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    JsonNode n = value.get();
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
      throw ValidationException.of(field, INVALID, n.toString());
    }
    return Optional.of(n.asLong());
  }

  /** An object id: a whole number from 1 to 2^53; empty when absent or null. */
  public Optional<Long> id(String field) {
    return number(field, 1, 1L << 53);
  }

  /** A time in ISO-8601 with an offset; empty when absent or null. */
  public Optional<Instant> time(String field) {
    return text(field, 40).map(text -> IsoTime.parse(text)
        .orElseThrow(() -> ValidationException.of(field, INVALID, text)));
  }

  /** A list of texts (each at most {@code maxLength}), at most {@code maxItems}; empty when absent or null. */
  public Optional<List<String>> texts(String field, int maxItems, int maxLength) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!value.get().isArray() || value.get().size() > maxItems) {
      throw ValidationException.of(field, INVALID, null);
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : value.get()) {
      if (!item.isTextual() || item.asText().length() > maxLength || !wellFormed(item.asText())) {
        throw ValidationException.of(field, INVALID, item.isTextual() ? null : item.toString());
      }
      items.add(item.asText());
    }
    return Optional.of(items);
  }

  /** One id or a list of ids, as the filters of section 4.4 take them; empty list when absent. */
  public List<Long> ids(String field, int maxItems) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return List.of();
    }
    List<Long> ids = new ArrayList<>();
    Iterable<JsonNode> items = value.get().isArray() ? value.get() : List.of(value.get());
    for (JsonNode item : items) {
      if (!item.isIntegralNumber() || !item.canConvertToLong() || item.asLong() < 1 || ids.size() >= maxItems) {
        throw ValidationException.of(field, INVALID, item.toString());
      }
      ids.add(item.asLong());
    }
    return ids;
  }

  /**
   * A permissions field as written (a role id or permission ids) read by {@code reader}; empty when
   * absent, 400 when the reader makes nothing of it.
   */
  public <T> Optional<T> permissions(String field, Function<List<String>, Optional<T>> reader) {
    return texts(field, 200, 64).map(written -> reader.apply(written)
        .orElseThrow(() -> ValidationException.of(field, INVALID, written)));
  }
}
