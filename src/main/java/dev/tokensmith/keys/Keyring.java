package dev.tokensmith.keys;

import dev.tokensmith.storage.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The versioned AES-256 master keys that encrypt stored secrets, and the versioned HMAC peppers
 * that turn a secret into its lookup digest. The highest version of each is current, unless the
 * keyring was narrowed with {@link #using} (while another instance does not hold the newest yet);
 * older versions stay to open values sealed, and to find digests made, before a rotation. Features
 * use it through {@link TokenSecrets}, the only caller of its digest, seal and open.
 */
public final class Keyring {

  /** Length of a master key and of a generated pepper, in bytes. */
  public static final int KEY_BYTES = 32;

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String HMAC = "HmacSHA256";
  private static final String CHECK_LABEL = "tokensmith key check";

  private final SortedMap<Integer, SecretKeySpec> keys;
  private final int currentVersion;
  private final SortedMap<Integer, SecretKeySpec> peppers;
  private final int currentPepper;
  private final SecureRandom random = new SecureRandom();
  // Mac is not thread-safe; one per thread and pepper avoids both locking and a clone per digest.
  private final Map<Integer, ThreadLocal<Mac>> macs;
  private final ThreadLocal<Mac> mac;

  /**
   * A keyring over {@code masterKeys} (version to 32-byte key) and {@code pepper} (at least 32
   * bytes, version 1). The arrays are copied.
   *
   * @throws IllegalArgumentException if there is no key, a version is below 1, a key is not 32
   *     bytes, or the pepper is shorter than 32 bytes
   */
  public Keyring(SortedMap<Integer, byte[]> masterKeys, byte[] pepper) {
    this(masterKeys, new TreeMap<>(Map.of(1, requirePepper(pepper))));
  }

  /**
   * A keyring over {@code masterKeys} (version to 32-byte key) and {@code peppers} (version to at
   * least 32 bytes). The highest version of each is current. The arrays are copied.
   *
   * @throws IllegalArgumentException if either map is empty, a version is below 1, a key is not 32
   *     bytes, or a pepper is shorter than 32 bytes
   */
  public Keyring(SortedMap<Integer, byte[]> masterKeys, SortedMap<Integer, byte[]> peppers) {
    this(specs(masterKeys, "master key", "AES"), specs(peppers, "pepper", HMAC), 0, 0);
  }

  private Keyring(
      SortedMap<Integer, SecretKeySpec> keys,
      SortedMap<Integer, SecretKeySpec> peppers,
      int keyVersion,
      int pepperVersion) {
    this.keys = keys;
    this.peppers = peppers;
    this.currentVersion = keyVersion == 0 ? keys.lastKey() : keyVersion;
    this.currentPepper = pepperVersion == 0 ? peppers.lastKey() : pepperVersion;
    Map<Integer, ThreadLocal<Mac>> byVersion = new TreeMap<>();
    peppers.forEach(
        (version, spec) -> byVersion.put(version, ThreadLocal.withInitial(() -> newMac(spec))));
    this.macs = Collections.unmodifiableMap(byVersion);
    this.mac = macs.get(currentPepper);
  }

  private static byte[] requirePepper(byte[] pepper) {
    if (pepper == null || pepper.length < KEY_BYTES) {
      throw new IllegalArgumentException("pepper must be at least 32 bytes");
    }
    return pepper;
  }

  private static SortedMap<Integer, SecretKeySpec> specs(
      SortedMap<Integer, byte[]> given, String what, String algorithm) {
    Objects.requireNonNull(given, what);
    if (given.isEmpty()) {
      throw new IllegalArgumentException("no " + what + " given");
    }
    SortedMap<Integer, SecretKeySpec> copy = new TreeMap<>();
    for (Map.Entry<Integer, byte[]> entry : given.entrySet()) {
      Integer version = entry.getKey();
      if (version == null || version < 1) {
        throw new IllegalArgumentException(what + " version must be 1 or more");
      }
      byte[] key = entry.getValue();
      boolean master = algorithm.equals("AES");
      if (key == null || (master ? key.length != KEY_BYTES : key.length < KEY_BYTES)) {
        throw new IllegalArgumentException(
            what + " v" + version + (master ? " must be 32 bytes" : " must be at least 32 bytes"));
      }
      copy.put(version, new SecretKeySpec(key, algorithm));
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  /**
   * The same keys, sealing under master key {@code keyVersion} and digesting under pepper {@code
   * pepperVersion}: the newest versions every running instance holds, so that none of them meets a
   * value it cannot open or a digest it cannot find.
   *
   * @throws IllegalArgumentException if the keyring lacks either version
   */
  public Keyring using(int keyVersion, int pepperVersion) {
    if (!keys.containsKey(keyVersion) || !peppers.containsKey(pepperVersion)) {
      throw new IllegalArgumentException("no such key version");
    }
    if (keyVersion == currentVersion && pepperVersion == currentPepper) {
      return this;
    }
    return new Keyring(keys, peppers, keyVersion, pepperVersion);
  }

  /** The highest master key version (current unless narrowed by {@link #using}). */
  public int newestVersion() {
    return keys.lastKey();
  }

  /** The highest pepper version (current unless narrowed by {@link #using}). */
  public int newestPepper() {
    return peppers.lastKey();
  }

  /** The pepper version that {@link #digest} uses. */
  public int currentPepper() {
    return currentPepper;
  }

  /** The pepper versions, lowest first. */
  public SortedSet<Integer> pepperVersions() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(peppers.keySet()));
  }

  /** Whether the two keyrings hold the same versions of the same keys and peppers. */
  public boolean sameKeys(Keyring other) {
    return other.keys.equals(keys) && other.peppers.equals(peppers);
  }

  /** The version that {@link #seal} uses. */
  public int currentVersion() {
    return currentVersion;
  }

  /** HMAC-SHA-256 of the UTF-8 secret under the pepper: the 32-byte lookup digest. */
  byte[] digest(String secret) {
    Objects.requireNonNull(secret, "secret");
    return digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@link #digest(String)} of a secret already encoded (ASCII secrets: the same bytes as UTF-8).
   */
  byte[] digest(byte[] secret) {
    return mac.get().doFinal(secret);
  }

  /**
   * {@link #digest(byte[])} under pepper {@code version}.
   *
   * @throws IllegalArgumentException if the keyring has no such pepper
   */
  byte[] digest(int version, byte[] secret) {
    ThreadLocal<Mac> under = macs.get(version);
    if (under == null) {
      throw new IllegalArgumentException("no pepper v" + version);
    }
    return under.get().doFinal(secret);
  }

  /**
   * The secret encrypted with AES-256-GCM under the current key, as {@code v<version>:<base64(iv ||
   * ciphertext || tag)>}. {@code associatedData} (may be null) is authenticated, not stored: the
   * same bytes must be given to {@link #open}.
   */
  String seal(String secret, byte[] associatedData) {
    return seal(currentVersion, secret, associatedData);
  }

  private String seal(int version, String secret, byte[] associatedData) {
    Objects.requireNonNull(secret, "secret");
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(version), new GCMParameterSpec(TAG_BITS, iv));
      if (associatedData != null) {
        cipher.updateAAD(associatedData);
      }
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
      return "v" + version + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * The secret in a value made by {@link #seal}, with whichever key version it names.
   *
   * @throws IllegalStateException if the value is malformed, names an unknown key version, or fails
   *     authentication (wrong key, wrong associated data, or tampered)
   */
  String open(String sealed, byte[] associatedData) {
    Objects.requireNonNull(sealed, "sealed");
    int colon = sealed.indexOf(':');
    if (!sealed.startsWith("v") || colon < 2 || colon > 11) {
      throw new IllegalStateException("sealed secret is malformed");
    }
    int version;
    byte[] data;
    try {
      version = Integer.parseInt(sealed, 1, colon, 10);
      data = Base64.getDecoder().decode(sealed.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("sealed secret is malformed");
    }
    SecretKeySpec key = keys.get(version);
    if (key == null) {
      throw new IllegalStateException("sealed secret uses unknown master key version " + version);
    }
    if (data.length < IV_BYTES + TAG_BITS / 8) {
      throw new IllegalStateException("sealed secret is malformed");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, IV_BYTES));
      if (associatedData != null) {
        cipher.updateAAD(associatedData);
      }
      byte[] plain = cipher.doFinal(data, IV_BYTES, data.length - IV_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("sealed secret failed authentication");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  /** The master key versions, lowest first. */
  public SortedSet<Integer> versions() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(keys.keySet()));
  }

  /**
   * The pepper's check value: its HMAC of a fixed label, in base64. Equal for equal peppers, and
   * tells nothing else about it.
   */
  String pepperCheck(int version) {
    return Base64.getEncoder()
        .encodeToString(digest(version, CHECK_LABEL.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Whether {@code check} is pepper {@code version}'s {@link #pepperCheck}, compared in constant
   * time; false if the keyring has no such pepper.
   */
  boolean pepperMatches(int version, String check) {
    return peppers.containsKey(version)
        && constantTimeEquals(
            pepperCheck(version).getBytes(StandardCharsets.US_ASCII),
            check.getBytes(StandardCharsets.US_ASCII));
  }

  /** Master key {@code version}'s check value: a fixed label sealed under it. */
  String masterKeyCheck(int version) {
    return seal(version, CHECK_LABEL, null);
  }

  /** Whether {@code check} was sealed by this keyring's master key {@code version}. */
  boolean masterKeyMatches(int version, String check) {
    if (!keys.containsKey(version) || !check.startsWith("v" + version + ":")) {
      return false;
    }
    try {
      return CHECK_LABEL.equals(open(check, null));
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /**
   * Whether the arrays are equal, in time independent of where they differ; false if either is
   * null.
   */
  static boolean constantTimeEquals(byte[] a, byte[] b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a, b);
  }

  /** Whether either key file exists (then both must: {@link #load} says which is missing). */
  public static boolean anyFileExists(Path masterKeyFile, Path pepperFile) {
    return Files.exists(masterKeyFile) || Files.exists(pepperFile);
  }

  /**
   * Generates both key files with fresh random bytes and owner-only permissions (rw-------),
   * creating parent directories; a file that exists already (another process was first) is kept.
   * Then {@link #load}s them.
   */
  public static Keyring create(Path masterKeyFile, Path pepperFile, SecureRandom random) {
    Objects.requireNonNull(random, "random");
    createIfMissing(masterKeyFile, "v1:" + randomBase64(random) + "\n");
    createIfMissing(pepperFile, randomBase64(random) + "\n");
    return load(masterKeyFile, pepperFile);
  }

  /**
   * The keyring in {@code masterKeyFile} and {@code pepperFile}.
   *
   * @throws IllegalArgumentException if a file is malformed (the message names the file)
   * @throws UncheckedIOException if a file is missing or cannot be read
   */
  public static Keyring load(Path masterKeyFile, Path pepperFile) {
    String keysText = read(masterKeyFile);
    String pepperText = read(pepperFile);
    return new Keyring(
        KeyringFormat.masterKeys(keysText, "master key file " + masterKeyFile),
        KeyringFormat.peppers(pepperText, "pepper file " + pepperFile));
  }

  /**
   * A keyring from text: master keys as {@code v<n>:<base64>} entries, one per line or
   * comma-separated (so they fit one environment variable), {@code #} comments and blank lines
   * ignored; the peppers as one line of base64 (version 1), or in the master keys' form.
   *
   * @throws IllegalArgumentException if either text is malformed
   */
  public static Keyring parse(String masterKeysText, String pepperText) {
    return new Keyring(
        KeyringFormat.masterKeys(masterKeysText, "master keys setting"),
        KeyringFormat.peppers(pepperText, "pepper setting"));
  }

  @Override
  public String toString() {
    return "Keyring[versions="
        + keys.keySet()
        + ", current="
        + currentVersion
        + ", peppers="
        + peppers.keySet()
        + ", current pepper="
        + currentPepper
        + "]";
  }

  private static Mac newMac(SecretKeySpec pepperKey) {
    try {
      Mac m = Mac.getInstance(HMAC);
      m.init(pepperKey);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
    }
  }

  /**
   * Adds a new master key version (one above the highest) of fresh random bytes to {@code file}, by
   * writing a copy with owner-only permissions and moving it into place, so that a reader sees the
   * old file or the new one, never half of it. Returns the new version.
   *
   * @throws IllegalArgumentException if the file is malformed
   */
  public static int addMasterKey(Path file, SecureRandom random) {
    return locked(
        file,
        () -> {
          String text = read(file);
          int version = KeyringFormat.masterKeys(text, "master key file " + file).lastKey() + 1;
          replace(file, text, "v" + version + ":" + randomBase64(random));
          return version;
        });
  }

  /** {@link #addMasterKey} for the pepper file: a new pepper version. */
  public static int addPepper(Path file, SecureRandom random) {
    return locked(
        file,
        () -> {
          String text = read(file);
          int version = KeyringFormat.peppers(text, "pepper file " + file).lastKey() + 1;
          replace(file, text, "v" + version + ":" + randomBase64(random));
          return version;
        });
  }

  /**
   * Runs a read-modify-write of a key file holding the lock file beside it ({@code <file>.lock}),
   * so that two commands (a rotation and a retirement) never write back a file without the other's
   * change: the second waits for the first.
   */
  private static <T> T locked(Path file, java.util.function.Supplier<T> change) {
    Path lock = file.toAbsolutePath().resolveSibling(file.getFileName() + ".lock");
    try {
      if (!Files.exists(lock)) {
        try {
          OwnerOnly.createFile(lock);
        } catch (FileAlreadyExistsException createdMeanwhile) {
          // Another command made it a moment ago: the same lock.
        }
      }
      try (java.nio.channels.FileChannel channel =
              java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.WRITE);
          java.nio.channels.FileLock held = channel.lock()) {
        return change.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock key file " + file, e);
    }
  }

  /**
   * Removes from {@code file} the entries of the versions in {@code gone} (the master key file when
   * {@code master}, else the pepper file), keeping comments and the other entries as they are.
   * Returns how many entries were removed.
   */
  public static int remove(Path file, boolean master, java.util.Set<Integer> gone) {
    return locked(file, () -> removeLocked(file, master, gone));
  }

  private static int removeLocked(Path file, boolean master, java.util.Set<Integer> gone) {
    String text = read(file);
    StringBuilder kept = new StringBuilder();
    int removed = 0;
    for (String line : text.split("\\R")) {
      String trimmed = line.trim();
      boolean entry = !trimmed.isEmpty() && !trimmed.startsWith("#");
      StringBuilder keptParts = new StringBuilder();
      if (entry) {
        for (String part : trimmed.split(",")) {
          String p = part.trim();
          if (p.isEmpty()) {
            continue;
          }
          int colon = p.indexOf(':');
          int version = colon < 0 ? 1 : parseVersion(p, colon);
          if (gone.contains(version)) {
            removed++;
          } else {
            keptParts.append(keptParts.length() == 0 ? "" : ",").append(p);
          }
        }
        if (keptParts.length() > 0) {
          kept.append(keptParts).append('\n');
        }
      } else {
        kept.append(line).append('\n');
      }
    }
    String result = kept.toString();
    // What is left must still be a valid key file.
    if (master) {
      KeyringFormat.masterKeys(result, "master key file " + file);
    } else {
      KeyringFormat.peppers(result, "pepper file " + file);
    }
    if (removed > 0) {
      write(file, result);
    }
    return removed;
  }

  private static int parseVersion(String entry, int colon) {
    try {
      return Integer.parseInt(entry, 1, colon, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void replace(Path file, String text, String entry) {
    String base = text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
    write(file, base + entry + "\n");
  }

  private static void write(Path file, String content) {
    Path parent = file.toAbsolutePath().getParent();
    Path temp = parent.resolve(file.getFileName() + ".new");
    try {
      Files.deleteIfExists(temp);
      OwnerOnly.createFile(temp);
      Files.writeString(temp, content, StandardCharsets.US_ASCII);
      Files.move(
          temp,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write key file " + file, e);
    }
  }

  private static String randomBase64(SecureRandom random) {
    byte[] bytes = new byte[KEY_BYTES];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static void createIfMissing(Path file, String content) {
    Objects.requireNonNull(file, "file");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        OwnerOnly.folder(parent);
      }
      if (Files.exists(file)) {
        return;
      }
      OwnerOnly.createFile(file);
      // Created exclusively above, so an existing key file is never overwritten.
      Files.writeString(file, content, StandardCharsets.US_ASCII);
    } catch (FileAlreadyExistsException raced) {
      // Another process created it between the check and the create: use theirs.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create key file " + file, e);
    }
  }

  private static String read(Path file) {
    try {
      // Decoded leniently: a stray non-ASCII byte becomes a parse error naming the file.
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key file " + file, e);
    }
  }
}
