package dev.tokensmith.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The path of a gateway's original request ({@code X-Original-URI}) as the strictest server behind
 * the gateway would see it, cut into segments for the route table; empty when the path is refused.
 *
 * <p>Each segment is percent-decoded once (as UTF-8). Read as servlet containers read it, a segment
 * loses its path parameters (from a raw {@code ;}; an encoded {@code %3b} is part of the name);
 * read as other servers read it, it keeps them ({@link RouteTable} refuses a path whose two
 * readings lead to different lines). A path is refused when servers could disagree on where it
 * leads: a {@code .} or {@code ..} segment in any spelling ({@code %2e}, {@code ..;x}, {@code
 * ..%3b}); an encoded {@code /}, {@code \} or {@code %} (double encoding); a decoded {@code ?} or
 * {@code #}; a control character or NUL; a raw {@code \}, {@code #}, space or broken escape; bytes
 * that are not UTF-8 (overlong {@code %c0%ae}); an empty segment ({@code //}) other than one
 * trailing slash; a segment ending in a dot or a space (Windows servers drop those); a character
 * that Unicode compatibility mapping turns into one of {@code . / \ ; ? # %} (fullwidth dots, dot
 * leaders). Any other percent-encoding ({@code %41}) is decoded and matched as the character.
 */
final class ForwardedPath {
  private static final String[] ROOT = {};
  private static final String SPECIAL = "./\\;?#%";

  private ForwardedPath() {}

  /**
   * The decoded segments of {@code uri}'s path (its query ignored), or empty when refused.
   *
   * @param dropParameters read as servlet containers do: a segment ends at its first raw {@code ;}
   */
  static Optional<String[]> segments(String uri, boolean dropParameters) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    if (path.isEmpty() || path.charAt(0) != '/') {
      return Optional.empty();
    }
    if (path.length() == 1) {
      return Optional.of(ROOT);
    }
    List<String> segments = new ArrayList<>();
    int start = 1;
    while (start <= path.length()) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      if (end == start) {
        // An empty segment: only a single trailing slash is harmless.
        if (slash < 0 && !segments.isEmpty()) {
          break;
        }
        return Optional.empty();
      }
      String segment = segment(path, start, end, dropParameters);
      if (segment == null) {
        return Optional.empty();
      }
      segments.add(segment);
      start = end + 1;
    }
    return Optional.of(segments.toArray(String[]::new));
  }

  /**
   * One segment decoded (without its parameters when {@code dropParameters}), or null when it is
   * refused.
   */
  private static String segment(String path, int start, int end, boolean dropParameters) {
    boolean plain = true;
    for (int i = start; i < end; i++) {
      char c = path.charAt(i);
      if (c <= ' ' || c == 0x7f || c == '\\' || c == '#' || c > 0xff) {
        return null;
      }
      plain &= c != '%' && c != ';' && c < 0x7f;
    }
    String decoded = plain ? path.substring(start, end) : decode(path, start, end);
    if (decoded == null) {
      return null;
    }
    // Checked up to the first ";" raw or encoded, whichever way a server reads it: "..;x" and
    // "..%3b" are refused.
    int parameters = decoded.indexOf(';');
    String name = parameters < 0 ? decoded : decoded.substring(0, parameters);
    // A trailing dot also catches every dot segment: ".", "..", "...".
    if (name.isEmpty()
        || name.endsWith(".")
        || name.endsWith(" ")
        || !plain && !safeUnicode(name)) {
      return null;
    }
    int raw = plain || !dropParameters ? end : start;
    while (raw < end && path.charAt(raw) != ';') {
      raw++;
    }
    if (raw == end) {
      return decoded;
    }
    // Valid UTF-8 before a raw ";" since the whole segment was: the ";" cannot sit inside a
    // character.
    return decode(path, start, raw);
  }

  // Percent-escapes and raw bytes (header values arrive as ISO-8859-1) decoded as strict UTF-8.
  private static String decode(String path, int start, int end) {
    ByteBuffer bytes = ByteBuffer.allocate(end - start);
    for (int i = start; i < end; i++) {
      char c = path.charAt(i);
      if (c == '%') {
        int high = i + 2 < end ? Character.digit(path.charAt(i + 1), 16) : -1;
        int low = high >= 0 ? Character.digit(path.charAt(i + 2), 16) : -1;
        if (low < 0) {
          return null;
        }
        bytes.put((byte) (high << 4 | low));
        i += 2;
      } else {
        bytes.put((byte) c);
      }
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(bytes.flip())
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < ' ' || c == 0x7f || c == '/' || c == '\\' || c == '?' || c == '#' || c == '%') {
        return null;
      }
    }
    return text;
  }

  // NFKC turns fullwidth and other look-alike characters into ASCII ones; some servers apply it.
  private static boolean safeUnicode(String name) {
    String mapped = Normalizer.normalize(name, Normalizer.Form.NFKC);
    return mapped.equals(name) || specials(mapped) == specials(name);
  }

  private static long specials(String text) {
    return text.chars().filter(c -> SPECIAL.indexOf(c) >= 0 || c < ' ').count();
  }
}
