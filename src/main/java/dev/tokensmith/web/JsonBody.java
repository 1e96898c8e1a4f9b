package dev.tokensmith.web;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request's JSON object read as {@link Params}: a value of the wrong JSON type is 400 {@code
 * invalid}; a nested object's fields are named by their own name.
 */
public final class JsonBody implements Params {
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
    if (raw == null
        || isBlank(raw)
        || raw.length() == 2 && raw.getByte(0) == '{' && raw.getByte(1) == '}') {
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
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(raw.getBytes()))
            .toString();
      }
    }
    return raw.toString(StandardCharsets.US_ASCII);
  }

  public static JsonBody empty() {
    return new JsonBody(JsonNodeFactory.instance.objectNode());
  }

  @Override
  public boolean has(String field) {
    return node.has(field);
  }

  private Optional<JsonNode> value(String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  @Override
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

  @Override
  public Optional<String> text(String field, int max) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!value.get().isTextual()) {
      throw ValidationException.of(field, INVALID, value.get().toString());
    }
    return Optional.of(TextRules.checked(field, value.get().asText(), max));
  }

  @Override
  public Optional<String> secretText(String field, int max) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!value.get().isTextual()) {
      throw ValidationException.of(field, INVALID, null);
    }
    return Optional.of(TextRules.checkedSecret(field, value.get().asText(), max));
  }

  @Override
  public Optional<Boolean> bool(String field) {
    Optional<JsonNode> value = value(field);
    if (value.isPresent() && !value.get().isBoolean()) {
      throw ValidationException.of(field, INVALID, value.get().toString());
    }
    return value.map(JsonNode::asBoolean);
  }

  @Override
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

  @Override
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
      if (!item.isTextual()
          || item.asText().length() > maxLength
          || !TextRules.wellFormed(item.asText())) {
        throw ValidationException.of(field, INVALID, item.isTextual() ? null : item.toString());
      }
      items.add(item.asText());
    }
    return Optional.of(items);
  }

  /**
   * A list of at most {@code maxItems} values handed in as they were found (reported secrets): each
   * item as text, any other item as its JSON (so it matches no text a caller looks for), nothing
   * refused but the list itself; empty when absent or null. Its error never echoes a value.
   */
  public Optional<List<String>> foundTexts(String field, int maxItems) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (!value.get().isArray() || value.get().size() > maxItems) {
      throw ValidationException.of(field, INVALID, null);
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : value.get()) {
      items.add(item.isTextual() ? item.asText() : item.toString());
    }
    return Optional.of(items);
  }

  @Override
  public List<Long> ids(String field, int maxItems) {
    Optional<JsonNode> value = value(field);
    if (value.isEmpty()) {
      return List.of();
    }
    List<Long> ids = new ArrayList<>();
    Iterable<JsonNode> items = value.get().isArray() ? value.get() : List.of(value.get());
    for (JsonNode item : items) {
      if (!item.isIntegralNumber()
          || !item.canConvertToLong()
          || item.asLong() < 1
          || ids.size() >= maxItems) {
        throw ValidationException.of(field, INVALID, item.toString());
      }
      ids.add(item.asLong());
    }
    return ids;
  }
}
