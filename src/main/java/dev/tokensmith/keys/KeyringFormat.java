package dev.tokensmith.keys;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Parses the text forms of master keys and pepper; errors name the source, never key material. */
final class KeyringFormat {

  private KeyringFormat() {}

  /**
   * {@code v<n>:<base64>} entries, separated by newlines or commas; comments and blanks ignored.
   */
  static SortedMap<Integer, byte[]> masterKeys(String text, String source) {
    return versioned(text, source, true);
  }

  /**
   * Peppers: one line of base64 (version 1, as every release before rotation wrote it), or {@code
   * v<n>:<base64>} entries like the master keys' (a bare entry among them is version 1); each at
   * least 32 bytes.
   */
  static SortedMap<Integer, byte[]> peppers(String text, String source) {
    if (text != null && entries(text, true).stream().noneMatch(e -> e.contains(":"))) {
      return new TreeMap<>(java.util.Map.of(1, pepper(text, source)));
    }
    return versioned(text, source, false);
  }

  private static SortedMap<Integer, byte[]> versioned(String text, String source, boolean master) {
    if (text == null) {
      throw new IllegalArgumentException(source + " is missing");
    }
    SortedMap<Integer, byte[]> keys = new TreeMap<>();
    List<String> entries = entries(text, true);
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      String where = source + " is malformed: entry " + (i + 1);
      int colon = entry.indexOf(':');
      if (!master && colon < 0) {
        // The pepper every release wrote before rotation: a bare line is version 1.
        entry = "v1:" + entry;
        colon = 2;
      }
      if (!entry.startsWith("v") || colon < 2 || colon > 10) {
        throw new IllegalArgumentException(where + " must look like v1:<base64 of 32 bytes>");
      }
      int version;
      try {
        version = Integer.parseInt(entry, 1, colon, 10);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + " has no valid version number");
      }
      if (version < 1) {
        throw new IllegalArgumentException(where + " has a version below 1");
      }
      byte[] key = decode(entry.substring(colon + 1).trim(), where);
      if (master ? key.length != Keyring.KEY_BYTES : key.length < Keyring.KEY_BYTES) {
        throw new IllegalArgumentException(
            where
                + " (v"
                + version
                + ")"
                + (master ? " is not 32 bytes" : " is shorter than 32 bytes"));
      }
      if (keys.put(version, key) != null) {
        throw new IllegalArgumentException(where + " repeats version v" + version);
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(source + " is malformed: it holds no key");
    }
    return keys;
  }

  /** One line of base64 (comments and blank lines ignored), at least 32 bytes. */
  static byte[] pepper(String text, String source) {
    if (text == null) {
      throw new IllegalArgumentException(source + " is missing");
    }
    List<String> lines = entries(text, false);
    if (lines.size() != 1) {
      throw new IllegalArgumentException(source + " is malformed: expected one line of base64");
    }
    byte[] pepper = decode(lines.get(0), source + " is malformed");
    if (pepper.length < Keyring.KEY_BYTES) {
      throw new IllegalArgumentException(source + " is malformed: shorter than 32 bytes");
    }
    return pepper;
  }

  static List<String> entries(String text, boolean commas) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\\R")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (!commas) {
        out.add(trimmed);
        continue;
      }
      for (String part : trimmed.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  private static byte[] decode(String base64, String where) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      // The decoder's message quotes the offending character, which is key material: drop it.
      throw new IllegalArgumentException(where + ": not valid base64");
    }
  }
}
