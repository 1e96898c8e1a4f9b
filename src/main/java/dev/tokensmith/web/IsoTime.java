package dev.tokensmith.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Times on the wire: ISO-8601 UTC with milliseconds, e.g. {@code 2033-06-13T04:56:01.037Z}. */
public final class IsoTime {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Instant MIN = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

  private IsoTime() {}

  /** The wire form, or null for null. */
  public static String format(Instant instant) {
    return instant == null ? null : FORMAT.format(instant);
  }

  /**
   * Parses an ISO-8601 instant with a zone or offset, within years 1970–9999; empty when it is not
   * one.
   */
  public static Optional<Instant> parse(String text) {
    if (text == null || text.length() > 40) {
      return Optional.empty();
    }
    try {
      Instant instant = OffsetDateTime.parse(text).toInstant();
      return instant.isBefore(MIN) || instant.isAfter(MAX)
          ? Optional.empty()
          : Optional.of(instant);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
