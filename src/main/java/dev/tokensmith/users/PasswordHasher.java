package dev.tokensmith.users;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes user passwords with Argon2id, stored in the usual PHC form {@code
 * $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>} (base64 without padding), and still
 * verifies the PBKDF2-HMAC-SHA256 hashes of earlier versions ({@code
 * pbkdf2-sha256$<iterations>$<base64 salt>$<base64 hash>}).
 *
 * <p>Every verification spends at least one Argon2id derivation at the configured cost, whatever is
 * stored — an unknown e-mail, a user without a password, a PBKDF2 hash, an Argon2id hash of an
 * older cost — so that a wrong password is never answered faster than for an unknown e-mail. A hash
 * that is not Argon2id at the configured cost is replaced at the next successful login ({@link
 * #needsRehash}).
 */
public final class PasswordHasher {

  /**
   * The Argon2id cost of new hashes.
   *
   * @param memoryKib memory in KiB (at least 8 per lane, at most 1 GiB)
   * @param passes passes over the memory (1 to 100)
   * @param parallelism lanes (1 to 64)
   */
  public record Cost(int memoryKib, int passes, int parallelism) {
    /** The most memory a stored hash may ask for, so that a corrupt row cannot exhaust the heap. */
    static final int MAX_MEMORY_KIB = 1 << 20;

    public Cost {
      if (parallelism < 1 || parallelism > 64) {
        throw new IllegalArgumentException("Argon2 parallelism must be between 1 and 64");
      }
      if (passes < 1 || passes > 100) {
        throw new IllegalArgumentException("Argon2 passes must be between 1 and 100");
      }
      if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
        throw new IllegalArgumentException(
            "Argon2 memory must be between 8 KiB per lane and " + MAX_MEMORY_KIB + " KiB");
      }
    }
  }

  /** One Argon2id derivation; BouncyCastle's, or a counting one in tests. */
  interface Argon2 {
    byte[] derive(byte[] password, byte[] salt, Cost cost, int bytes);
  }

  /** One PBKDF2-HMAC-SHA256 derivation; the JDK's, or a counting one in tests. */
  interface Pbkdf2 {
    byte[] derive(String password, byte[] salt, int iterations, int bytes);
  }

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final Cost cost;
  private final SecureRandom random;
  private final Argon2 argon2;
  private final Pbkdf2 pbkdf2;
  private final byte[] dummySalt;
  private final byte[] dummyHash;

  /** A hasher whose new hashes are Argon2id at {@code cost}. */
  public PasswordHasher(Cost cost, SecureRandom random) {
    this(cost, random, PasswordHasher::argon2id, PasswordHasher::pbkdf2Sha256);
  }

  PasswordHasher(Cost cost, SecureRandom random, Argon2 argon2, Pbkdf2 pbkdf2) {
    this.cost = Objects.requireNonNull(cost, "cost");
    this.random = Objects.requireNonNull(random, "random");
    this.argon2 = Objects.requireNonNull(argon2, "argon2");
    this.pbkdf2 = Objects.requireNonNull(pbkdf2, "pbkdf2");
    this.dummySalt = new byte[SALT_BYTES];
    this.dummyHash = new byte[HASH_BYTES];
    random.nextBytes(dummySalt);
    random.nextBytes(dummyHash);
  }

  /** The encoded Argon2id hash of {@code password} with a fresh random salt. */
  public String hash(String password) {
    Objects.requireNonNull(password, "password");
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = argon2.derive(utf8(password), salt, cost, HASH_BYTES);
    return new Argon2Hash(cost, salt, hash).encoded();
  }

  /**
   * Whether {@code password} matches {@code encoded} (Argon2id at any cost, or PBKDF2), compared in
   * constant time. False, never an exception, for a null argument or a stored value in neither
   * format. Costs at least one derivation at the configured cost.
   */
  public boolean verify(String password, String encoded) {
    Optional<Stored> stored = Stored.parse(encoded);
    if (password == null || stored.isEmpty()) {
      verifyDummy(password);
      return false;
    }
    Stored s = stored.get();
    byte[] actual = s.derive(this, password);
    if (!s.isCurrent(cost)) {
      verifyDummy(password);
    }
    return MessageDigest.isEqual(actual, s.hash());
  }

  /**
   * Does the work of a {@link #verify} against a hash made by this hasher, and discards the result:
   * called when no user matches, so that an unknown e-mail takes as long as a wrong password.
   */
  public void verifyDummy(String password) {
    byte[] actual =
        argon2.derive(utf8(password == null ? "" : password), dummySalt, cost, HASH_BYTES);
    MessageDigest.isEqual(actual, dummyHash);
  }

  /**
   * Whether {@code encoded} should be replaced by a fresh {@link #hash} after a successful login:
   * true unless it is Argon2id at exactly the configured cost.
   */
  public boolean needsRehash(String encoded) {
    return Stored.parse(encoded).map(s -> !s.isCurrent(cost)).orElse(true);
  }

  private static byte[] utf8(String password) {
    return password.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] argon2id(byte[] password, byte[] salt, Cost cost, int bytes) {
    Argon2Parameters parameters =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(cost.memoryKib())
            .withIterations(cost.passes())
            .withParallelism(cost.parallelism())
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[bytes];
    generator.generateBytes(password, out);
    return out;
  }

  private static byte[] pbkdf2Sha256(String password, byte[] salt, int iterations, int bytes) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** A parsed stored value, of either scheme. */
  private sealed interface Stored permits Argon2Hash, Pbkdf2Hash {
    byte[] hash();

    byte[] derive(PasswordHasher hasher, String password);

    /** True when it is Argon2id at exactly {@code cost}. */
    boolean isCurrent(Cost cost);

    /** The parts of {@code encoded}; empty if it is not a well-formed value of either scheme. */
    static Optional<Stored> parse(String encoded) {
      if (encoded == null) {
        return Optional.empty();
      }
      try {
        return encoded.startsWith("$argon2id$")
            ? Argon2Hash.parse(encoded)
            : Pbkdf2Hash.parse(encoded);
      } catch (IllegalArgumentException notAValue) {
        return Optional.empty();
      }
    }
  }

  private record Argon2Hash(Cost cost, byte[] salt, byte[] hash) implements Stored {
    private static final Pattern FORMAT =
        Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,2})"
                + "\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{43})");

    static Optional<Stored> parse(String encoded) {
      Matcher m = FORMAT.matcher(encoded);
      if (!m.matches()) {
        return Optional.empty();
      }
      // Cost rejects what no configuration could have made (a corrupt row must not stall a login).
      Cost cost =
          new Cost(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
      Base64.Decoder b64 = Base64.getDecoder();
      return Optional.of(new Argon2Hash(cost, b64.decode(m.group(4)), b64.decode(m.group(5))));
    }

    String encoded() {
      Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
      return "$argon2id$v=19$m="
          + cost.memoryKib()
          + ",t="
          + cost.passes()
          + ",p="
          + cost.parallelism()
          + "$"
          + b64.encodeToString(salt)
          + "$"
          + b64.encodeToString(hash);
    }

    @Override
    public byte[] derive(PasswordHasher hasher, String password) {
      return hasher.argon2.derive(utf8(password), salt, cost, hash.length);
    }

    @Override
    public boolean isCurrent(Cost configured) {
      return cost.equals(configured);
    }
  }

  private record Pbkdf2Hash(int iterations, byte[] salt, byte[] hash) implements Stored {
    private static final String SCHEME = "pbkdf2-sha256";

    /**
     * Upper bound on iterations read from a stored value, so a corrupt row cannot stall a login.
     */
    private static final int MAX_ITERATIONS = 10_000_000;

    static Optional<Stored> parse(String encoded) {
      String[] parts = encoded.split("\\$", -1);
      if (parts.length != 4 || !SCHEME.equals(parts[0])) {
        return Optional.empty();
      }
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] hash = Base64.getDecoder().decode(parts[3]);
      boolean sane =
          iterations >= 1
              && iterations <= MAX_ITERATIONS
              && salt.length > 0
              && hash.length == HASH_BYTES;
      return sane ? Optional.of(new Pbkdf2Hash(iterations, salt, hash)) : Optional.empty();
    }

    @Override
    public byte[] derive(PasswordHasher hasher, String password) {
      return hasher.pbkdf2.derive(password, salt, iterations, HASH_BYTES);
    }

    @Override
    public boolean isCurrent(Cost cost) {
      return false;
    }
  }
}
