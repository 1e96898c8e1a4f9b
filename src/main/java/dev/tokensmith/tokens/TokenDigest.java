package dev.tokensmith.tokens;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A secret's keyed digest (HMAC-SHA-256, 32 bytes) as a key of the verifier's cache: held in four
 * longs rather than an array, so a cached token costs one small object for its key. Equality
 * compares all 32 bytes; it need not be constant-time, since the digest is keyed and an attacker
 * learns nothing from how fast two of them differ. The first bytes are uniformly random, so they
 * are the hash.
 */
final class TokenDigest {
  /** The length of the digests it holds. */
  static final int LENGTH = 32;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final long first;
  private final long second;
  private final long third;
  private final long fourth;

  /**
   * @throws IllegalArgumentException unless {@code digest} has {@value #LENGTH} bytes
   */
  TokenDigest(byte[] digest) {
    if (digest.length != LENGTH) {
      throw new IllegalArgumentException("a digest has " + LENGTH + " bytes, not " + digest.length);
    }
    first = (long) LONGS.get(digest, 0);
    second = (long) LONGS.get(digest, 8);
    third = (long) LONGS.get(digest, 16);
    fourth = (long) LONGS.get(digest, 24);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TokenDigest d
        && first == d.first
        && second == d.second
        && third == d.third
        && fourth == d.fourth;
  }

  @Override
  public int hashCode() {
    return (int) (first >>> 32);
  }
}
