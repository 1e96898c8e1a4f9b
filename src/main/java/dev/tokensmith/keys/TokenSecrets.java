package dev.tokensmith.keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Everything done with a secret, in one place: making one, checking its format, the hint shown in
 * its place, the keyed lookup digest stored instead of it, and sealing it for storage. Tokens,
 * console sessions and the seeder all go through here; only this class reaches the {@link Keyring}.
 *
 * <p>A token secret is 64 characters of {@code [A-Za-z0-9]}: a 4-character instance prefix, 54
 * random base62 characters (about 320 bits) and 6 base62 characters of the CRC32 of the first 58.
 * The checksum lets a typo or a random string be refused before any lookup.
 */
public final class TokenSecrets {

  /** Matches any secret; published for secret scanners. */
  public static final String PATTERN = "[A-Za-z0-9]{64}";

  /** Total length of a secret. */
  public static final int LENGTH = 64;

  private static final int PREFIX_LENGTH = 4;
  private static final int BODY_LENGTH = 58;
  private static final int SESSION_VALUE_BYTES = 32;
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final HexFormat HEX = HexFormat.of();
  // Base62 value of each ASCII character, -1 for anything outside [0-9A-Za-z]. Written once, here.
  private static final byte[] DIGITS = new byte[128];

  static {
    Arrays.fill(DIGITS, (byte) -1);
    for (int d = 0; d < ALPHABET.length(); d++) {
      DIGITS[ALPHABET.charAt(d)] = (byte) d;
    }
  }

  private final ActiveKeys keys;
  private final SecureRandom random;
  private final String prefix;
  // A CRC32 holds state and the check must not allocate (it runs before every lookup): one per
  // thread.
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  /**
   * Secrets of one instance: new ones start with {@code prefix}; digests and seals use {@code
   * keyring}.
   *
   * @throws IllegalArgumentException if the prefix is not exactly 4 characters of [A-Za-z0-9]
   */
  public TokenSecrets(Keyring keyring, SecureRandom random, String prefix) {
    this(new ActiveKeys(keyring), random, prefix);
  }

  /**
   * Secrets of one instance whose keys may change while it runs: digests and seals use the keyring
   * {@code keys} holds at the time.
   *
   * @throws IllegalArgumentException if the prefix is not exactly 4 characters of [A-Za-z0-9]
   */
  public TokenSecrets(ActiveKeys keys, SecureRandom random, String prefix) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.random = Objects.requireNonNull(random, "random");
    if (prefix == null
        || prefix.length() != PREFIX_LENGTH
        || !prefix.chars().allMatch(c -> digit(c) >= 0)) {
      throw new IllegalArgumentException("token prefix must be 4 characters of [A-Za-z0-9]");
    }
    this.prefix = prefix;
  }

  /** A new token secret: the prefix, 54 random base62 characters and the checksum. */
  public String generate() {
    byte[] out = new byte[LENGTH];
    for (int i = 0; i < PREFIX_LENGTH; i++) {
      out[i] = (byte) prefix.charAt(i);
    }
    byte[] randomBytes = new byte[(BODY_LENGTH - PREFIX_LENGTH) * 2];
    int filled = PREFIX_LENGTH;
    while (filled < BODY_LENGTH) {
      random.nextBytes(randomBytes);
      for (int i = 0; i < randomBytes.length && filled < BODY_LENGTH; i++) {
        // Six bits give 0..63; dropping 62 and 63 keeps every base62 digit equally likely.
        int v = randomBytes[i] & 0x3F;
        if (v < ALPHABET.length()) {
          out[filled++] = (byte) ALPHABET.charAt(v);
        }
      }
    }
    long checksum = checksum(out, scratch.get().crc);
    for (int i = LENGTH - 1; i >= BODY_LENGTH; i--) {
      out[i] = (byte) ALPHABET.charAt((int) (checksum % 62));
      checksum /= 62;
    }
    return new String(out, StandardCharsets.US_ASCII);
  }

  /**
   * Whether {@code value} is exactly 64 characters of [A-Za-z0-9] with a valid checksum; false for
   * null. Allocation-free, so it is cheap enough to run before every lookup.
   */
  public boolean isWellFormed(CharSequence value) {
    return isWellFormed(value, scratch.get());
  }

  /**
   * {@link #isWellFormed(CharSequence)} of a secret already in bytes (one byte per character): the
   * verifier's form, whose same bytes then go to {@link #digest(byte[])}. Allocation-free.
   */
  public boolean isWellFormed(byte[] ascii) {
    return ascii != null && ascii.length == LENGTH && hasValidChecksum(ascii, scratch.get().crc);
  }

  /**
   * True when some 64-character run of [A-Za-z0-9] inside {@code text} is a well-formed secret, of
   * any instance: what is kept from logs and echoed errors must not hold one.
   */
  public static boolean containsSecret(String text) {
    Scratch local = null;
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      run = digit(text.charAt(i)) >= 0 ? run + 1 : 0;
      if (run >= LENGTH) {
        // Rare, and off the hot path: a scratch of its own keeps this static and stateless.
        local = local == null ? new Scratch() : local;
        if (isWellFormed(text.subSequence(i - LENGTH + 1, i + 1), local)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The regex matching this instance's secrets, for secret scanners. */
  public String pattern() {
    return prefix + "[A-Za-z0-9]{60}";
  }

  /**
   * The displayable hint of a secret: first 4 + "..." + last 4 characters (field {@code
   * secret_hint}).
   *
   * @throws IllegalArgumentException if the secret is shorter than 8 characters
   */
  public String hint(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length() < 8) {
      throw new IllegalArgumentException("secret too short for a hint");
    }
    return secret.substring(0, 4) + "..." + secret.substring(secret.length() - 4);
  }

  /**
   * The lookup digest stored in place of a secret or session value: HMAC-SHA-256 of its UTF-8 under
   * the current pepper, in its stored form ({@link #storedDigest}).
   */
  public String digest(String secret) {
    Keyring keyring = keys.get();
    return storedDigest(keyring.currentPepper(), keyring.digest(secret));
  }

  /**
   * The lookup digest of a secret already in bytes under the current pepper, as raw bytes (32): the
   * verifier's cache key. The database holds {@link #lookupDigests} forms.
   */
  public byte[] digest(byte[] ascii) {
    return keys.get().digest(ascii);
  }

  /**
   * The stored digests a value may be found under: under the current pepper first, then under each
   * older one still held (while a pepper rotation rewrites them). One entry outside a rotation.
   */
  public List<String> lookupDigests(String value) {
    return lookupDigests(value.getBytes(StandardCharsets.UTF_8));
  }

  /** {@link #lookupDigests(String)} of a value already in bytes (UTF-8). */
  public List<String> lookupDigests(byte[] utf8) {
    Keyring keyring = keys.get();
    int current = keyring.currentPepper();
    List<String> out = new ArrayList<>(2);
    out.add(storedDigest(current, keyring.digest(current, utf8)));
    List<Integer> versions = new ArrayList<>(keyring.pepperVersions());
    java.util.Collections.reverse(versions);
    for (int version : versions) {
      if (version != current) {
        out.add(storedDigest(version, keyring.digest(version, utf8)));
      }
    }
    return out;
  }

  /**
   * A digest as the database keeps it: 64 lowercase hex characters under pepper 1 (as every release
   * before pepper rotation wrote them), else {@code p<version>_} and as many of the hex characters
   * as fit in 64 (at least 58: 232 bits), so a digest tells which pepper made it.
   */
  static String storedDigest(int pepperVersion, byte[] raw) {
    String hex = HEX.formatHex(raw);
    if (pepperVersion == 1) {
      return hex;
    }
    String prefix = "p" + pepperVersion + "_";
    return prefix + hex.substring(0, LENGTH - prefix.length());
  }

  /** The pepper version a stored digest was made with (1 for a plain hex digest). */
  public static int pepperOf(String storedDigest) {
    if (!storedDigest.startsWith("p")) {
      return 1;
    }
    int end = storedDigest.indexOf('_');
    try {
      return Integer.parseInt(storedDigest, 1, end, 10);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * Whether {@code value}'s digest under the pepper that made {@code storedDigest} is {@code
   * storedDigest}, compared in constant time; false for null, or when that pepper is not held.
   */
  public boolean matchesDigest(String value, String storedDigest) {
    return value != null && matchesDigestOf(value.getBytes(StandardCharsets.UTF_8), storedDigest);
  }

  /** {@link #matchesDigest(String, String)} of a value already in bytes (UTF-8). */
  public boolean matchesDigestOf(byte[] utf8, String storedDigest) {
    if (utf8 == null || storedDigest == null) {
      return false;
    }
    Keyring keyring = keys.get();
    int version = pepperOf(storedDigest);
    if (!keyring.pepperVersions().contains(version)) {
      return false;
    }
    String made = storedDigest(version, keyring.digest(version, utf8));
    return Keyring.constantTimeEquals(
        made.getBytes(StandardCharsets.US_ASCII), storedDigest.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The value sealed again under the current master key, bound to the same {@code associatedData}
   * (a rotation's re-encryption); empty if it is under the current key already.
   *
   * @throws IllegalStateException as {@link #open} does
   */
  java.util.Optional<String> reseal(String sealed, byte[] associatedData) {
    Keyring keyring = keys.get();
    if (sealed.startsWith("v" + keyring.currentVersion() + ":")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        keyring.seal(keyring.open(sealed, associatedData), associatedData));
  }

  /** The keyring in force now. */
  Keyring keyring() {
    return keys.get();
  }

  /**
   * The secret of token {@code tokenId} encrypted for storage (AES-256-GCM under the current master
   * key). The ciphertext is bound to the token: copied onto another row, it does not open.
   */
  public String seal(String secret, long tokenId) {
    return keys.get().seal(secret, associatedData(tokenId));
  }

  /**
   * The secret in a value made by {@link #seal} for the same token, with whichever key version it
   * names.
   *
   * @throws IllegalStateException if the value is malformed, names an unknown key version, belongs
   *     to another token or was tampered with
   */
  public String open(String sealed, long tokenId) {
    return keys.get().open(sealed, associatedData(tokenId));
  }

  /**
   * The value of node {@code nodeId}'s node token encrypted for storage, like a token's secret but
   * bound to the node: a token's ciphertext copied onto a node of the same id does not open, nor
   * the other way round.
   */
  public String sealNodeToken(String secret, long nodeId) {
    return keys.get().seal(secret, nodeData(nodeId));
  }

  /**
   * The node token in a value made by {@link #sealNodeToken} for the same node.
   *
   * @throws IllegalStateException as {@link #open} does
   */
  public String openNodeToken(String sealed, long nodeId) {
    return keys.get().open(sealed, nodeData(nodeId));
  }

  /**
   * A value a notice must carry to its recipient (a one-time link) encrypted for the outbox, bound
   * to the notice's delivery id: copied onto another notice, it does not open.
   */
  public String sealNotice(String value, String deliveryId) {
    return keys.get().seal(value, noticeData(deliveryId));
  }

  /**
   * The value in one made by {@link #sealNotice} for the same notice.
   *
   * @throws IllegalStateException as {@link #open} does
   */
  public String openNotice(String sealed, String deliveryId) {
    return keys.get().open(sealed, noticeData(deliveryId));
  }

  /**
   * A webhook's signing secret for storage, bound to the webhook: copied onto another row, or used
   * as a token's or a node's, it does not open.
   */
  public String sealWebhookSecret(String secret, long webhookId) {
    return keys.get().seal(secret, webhookData(webhookId));
  }

  /**
   * The signing secret in a value made by {@link #sealWebhookSecret} for the same webhook.
   *
   * @throws IllegalStateException as {@link #open} does
   */
  public String openWebhookSecret(String sealed, long webhookId) {
    return keys.get().open(sealed, webhookData(webhookId));
  }

  /**
   * A new webhook signing secret: {@code whsec_} and 256 random bits in base64url (never of the
   * token format, so it is not taken for a token's secret).
   */
  public String generateWebhookSecret() {
    return "whsec_" + generateSessionValue();
  }

  /**
   * A client's single sign-on secret (the IdP's client secret) encrypted for storage, bound to the
   * client: copied onto another client's row, it does not open.
   */
  public String sealSsoSecret(String secret, long clientId) {
    return keys.get().seal(secret, ssoData(clientId));
  }

  /**
   * The secret in a value made by {@link #sealSsoSecret} for the same client.
   *
   * @throws IllegalStateException as {@link #open} does
   */
  public String openSsoSecret(String sealed, long clientId) {
    return keys.get().open(sealed, ssoData(clientId));
  }

  /**
   * A new console session value (cookie or CSRF token): 256 random bits, base64url without padding.
   */
  public String generateSessionValue() {
    byte[] bytes = new byte[SESSION_VALUE_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "TokenSecrets[prefix=" + prefix + ", " + keys + "]";
  }

  static byte[] associatedData(long tokenId) {
    return ByteBuffer.allocate(Long.BYTES).putLong(tokenId).array();
  }

  // A token's associated data is its id alone (as stored by every release); a node's is marked.
  static byte[] nodeData(long nodeId) {
    return ByteBuffer.allocate(5 + Long.BYTES)
        .put("node:".getBytes(StandardCharsets.US_ASCII))
        .putLong(nodeId)
        .array();
  }

  static byte[] webhookData(long webhookId) {
    return ByteBuffer.allocate(8 + Long.BYTES)
        .put("webhook:".getBytes(StandardCharsets.US_ASCII))
        .putLong(webhookId)
        .array();
  }

  static byte[] ssoData(long clientId) {
    return ("sso:" + clientId).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] noticeData(String deliveryId) {
    return ("notice:" + deliveryId).getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isWellFormed(CharSequence value, Scratch scratch) {
    if (value == null || value.length() != LENGTH) {
      return false;
    }
    byte[] ascii = scratch.bytes;
    for (int i = 0; i < LENGTH; i++) {
      char c = value.charAt(i);
      if (c >= DIGITS.length) {
        return false;
      }
      ascii[i] = (byte) c;
    }
    return hasValidChecksum(ascii, scratch.crc);
  }

  // The one check: 64 base62 characters whose last six encode the checksum of the first 58.
  private static boolean hasValidChecksum(byte[] ascii, CRC32 crc) {
    for (int i = 0; i < LENGTH; i++) {
      if (digit(ascii[i]) < 0) {
        return false;
      }
    }
    long written = 0;
    for (int i = BODY_LENGTH; i < LENGTH; i++) {
      written = written * 62 + DIGITS[ascii[i]];
    }
    return written == checksum(ascii, crc);
  }

  // The one checksum: CRC32 (java.util.zip, intrinsic) of the first 58 bytes.
  private static long checksum(byte[] ascii, CRC32 crc) {
    crc.reset();
    crc.update(ascii, 0, BODY_LENGTH);
    return crc.getValue();
  }

  /**
   * The base62 value of an ASCII code, or -1 if it is not in [0-9A-Za-z] (negative bytes included).
   */
  private static int digit(int c) {
    return c >= 0 && c < DIGITS.length ? DIGITS[c] : -1;
  }

  // Per-thread working space of the check: a CRC32 and room for a secret's bytes.
  private static final class Scratch {
    final CRC32 crc = new CRC32();
    final byte[] bytes = new byte[LENGTH];
  }
}
