package dev.tokensmith.users;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Hashes and verifies user passwords with PBKDF2-HMAC-SHA256, stored as {@code
 * pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>}.
 *
 * <p>Every verification spends at least the configured iterations, whatever is stored — an unknown
 * e-mail, a user without a password, a hash from before the iterations were raised — so that how
 * long a wrong password takes never tells whether the e-mail exists.
 */
public final class PasswordHasher {

  /** One PBKDF2-HMAC-SHA256 derivation; the JDK's, or a counting one in tests. */
  interface Pbkdf2 {
    byte[] derive(String password, byte[] salt, int iterations, int bytes);
  }

  private static final String SCHEME = "pbkdf2-sha256";
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final int MIN_ITERATIONS = 1000;

  /** Upper bound on iterations read from a stored value, so a corrupt row cannot stall a login. */
  private static final int MAX_ITERATIONS = 10_000_000;

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final int iterations;
  private final SecureRandom random;
  private final Pbkdf2 pbkdf2;
  private final byte[] dummySalt;
  private final byte[] dummyHash;

  /**
   * A hasher that hashes with {@code iterations} rounds.
   *
   * @throws IllegalArgumentException if iterations is below 1000
   */
  public PasswordHasher(int iterations, SecureRandom random) {
    this(iterations, random, PasswordHasher::derive);
  }

  PasswordHasher(int iterations, SecureRandom random, Pbkdf2 pbkdf2) {
    if (iterations < MIN_ITERATIONS) {
      throw new IllegalArgumentException(
          "password hash iterations must be at least " + MIN_ITERATIONS);
    }
    this.iterations = iterations;
    this.random = Objects.requireNonNull(random, "random");
    this.pbkdf2 = Objects.requireNonNull(pbkdf2, "pbkdf2");
    this.dummySalt = new byte[SALT_BYTES];
    this.dummyHash = new byte[HASH_BYTES];
    random.nextBytes(dummySalt);
    random.nextBytes(dummyHash);
  }

  /** The encoded hash of {@code password} with a fresh random salt. */
  public String hash(String password) {
    Objects.requireNonNull(password, "password");
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = pbkdf2.derive(password, salt, iterations, HASH_BYTES);
    Base64.Encoder b64 = Base64.getEncoder();
    return SCHEME
        + "$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  /**
   * Whether {@code password} matches {@code encoded}, using the iterations stored in it. False,
   * never an exception, for a null argument or a stored value that is not in this format. Costs at
   * least the configured iterations: a hash stored with fewer is topped up with the difference
   * (until {@link #needsRehash} has it replaced at the next login).
   */
  public boolean verify(String password, String encoded) {
    Optional<Stored> stored = Stored.parse(encoded);
    if (password == null || stored.isEmpty()) {
      verifyDummy(password);
      return false;
    }
    Stored s = stored.get();
    byte[] actual = pbkdf2.derive(password, s.salt(), s.iterations(), HASH_BYTES);
    if (s.iterations() < iterations) {
      pbkdf2.derive(password, dummySalt, iterations - s.iterations(), HASH_BYTES);
    }
    return MessageDigest.isEqual(actual, s.hash());
  }

  /**
   * Does the work of a {@link #verify} against a hash made by this hasher, and discards the result:
   * called when no user matches, so that an unknown e-mail takes as long as a wrong password.
   */
  public void verifyDummy(String password) {
    byte[] actual =
        pbkdf2.derive(password == null ? "" : password, dummySalt, iterations, HASH_BYTES);
    MessageDigest.isEqual(actual, dummyHash);
  }

  /**
   * Whether {@code encoded} should be replaced by a fresh {@link #hash} after a successful login:
   * true when its iterations are below the configured ones, or it is not in this format.
   */
  public boolean needsRehash(String encoded) {
    return Stored.parse(encoded).map(s -> s.iterations() < iterations).orElse(true);
  }

  private static byte[] derive(String password, byte[] salt, int iterations, int bytes) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " unavailable", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** A parsed stored value. */
  private record Stored(int iterations, byte[] salt, byte[] hash) {

    /** The parts of {@code encoded}; empty if it is not a well-formed value of this scheme. */
    static Optional<Stored> parse(String encoded) {
      if (encoded == null) {
        return Optional.empty();
      }
      String[] parts = encoded.split("\\$", -1);
      if (parts.length != 4 || !SCHEME.equals(parts[0])) {
        return Optional.empty();
      }
      try {
        int iterations = Integer.parseInt(parts[1]);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] hash = Base64.getDecoder().decode(parts[3]);
        boolean sane =
            iterations >= 1
                && iterations <= MAX_ITERATIONS
                && salt.length > 0
                && hash.length == HASH_BYTES;
        return sane ? Optional.of(new Stored(iterations, salt, hash)) : Optional.empty();
      } catch (IllegalArgumentException notAValue) {
        return Optional.empty();
      }
    }
  }
}
