package dev.tokensmith.errors;

import dev.tokensmith.keys.TokenSecrets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 400 with one entry per bad field: {@code {"<field>": {"error": "<code>", "value": <what was
 * sent>}}}. The value echoed back is what the caller sent, so it must never be a secret (callers
 * pass {@code null} for such fields).
 */
public final class ValidationException extends ServiceException {

  /** The field error codes. */
  public enum Code {
    REQUIRED("required"),
    INVALID("invalid"),
    TOO_LONG("too_long"),
    NOT_ALLOWED("not_allowed"),
    IN_PAST("in_past"),
    /** A password shorter than the rules allow. */
    TOO_SHORT("too_short"),
    /** A password of the bundled list of common passwords. */
    TOO_COMMON("too_common"),
    /** A password that is the user's e-mail address. */
    SAME_AS_EMAIL("same_as_email"),
    /** A one-time code that was valid but is past its lifetime. */
    EXPIRED("expired"),
    /** A one-time code that has been used already. */
    USED("used");

    private final String wire;

    Code(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  private ValidationException(Map<String, Object> fields) {
    super(400, fields);
  }

  public static ValidationException of(String field, Code code, Object value) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("error", code.wire());
    error.put("value", shorten(value));
    return new ValidationException(Map.of(field, error));
  }

  /** A body that is not a JSON object where one is expected. */
  public static ValidationException badBody() {
    return of("body", Code.INVALID, null);
  }

  // Echoing a 10 000-character name back in full helps nobody; the code already says what is wrong.
  // A secret pasted into the wrong field is never echoed: errors carry no secret, whoever sent it.
  private static Object shorten(Object value) {
    if (value instanceof String s) {
      if (TokenSecrets.containsSecret(s)) {
        return "[secret removed]";
      }
      return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(ValidationException::shorten).toList();
    }
    return value;
  }
}
