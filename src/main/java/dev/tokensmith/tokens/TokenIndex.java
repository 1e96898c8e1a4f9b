package dev.tokensmith.tokens;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Token id → the digests it is cached under: one, or two while a renewed token's previous value is
 * in its grace period. A token's change evicts its entries through it without scanning the cache.
 * An open-addressing table of primitive ids (no boxed key, no node per token: about 24 bytes a
 * token where a concurrent map took 64); every method holds its lock, which is fine: it is touched
 * by cache loads, evictions and changes, never by a cache hit.
 */
final class TokenIndex {
  private static final int MIN_CAPACITY = 16;

  private long[] ids = new long[MIN_CAPACITY];
  // A TokenDigest or a TokenDigest[]; null: a free slot.
  private Object[] digests = new Object[MIN_CAPACITY];
  private int size;

  /** Adds {@code digest} to those of token {@code id} (once). */
  synchronized void add(long id, TokenDigest digest) {
    int slot = find(id);
    if (slot >= 0) {
      TokenDigest[] held = asArray(digests[slot]);
      if (!Arrays.asList(held).contains(digest)) {
        TokenDigest[] more = Arrays.copyOf(held, held.length + 1);
        more[held.length] = digest;
        digests[slot] = more;
      }
      return;
    }
    if ((size + 1) * 4L > ids.length * 3L) {
      resize(ids.length * 2);
      slot = find(id);
    }
    slot = -slot - 1;
    ids[slot] = id;
    digests[slot] = digest;
    size++;
  }

  /** Removes token {@code id} and answers the digests it had (none: an empty array). */
  synchronized TokenDigest[] remove(long id) {
    int slot = find(id);
    if (slot < 0) {
      return new TokenDigest[0];
    }
    TokenDigest[] held = asArray(digests[slot]);
    delete(slot);
    return held;
  }

  /**
   * Removes {@code gone} from token {@code id}'s digests unless {@code stillCached} says it is
   * cached again (reloaded meanwhile); a token left with none is removed.
   */
  synchronized void remove(long id, TokenDigest gone, Predicate<TokenDigest> stillCached) {
    int slot = find(id);
    if (slot < 0 || stillCached.test(gone)) {
      return;
    }
    TokenDigest[] rest =
        Arrays.stream(asArray(digests[slot]))
            .filter(d -> !d.equals(gone))
            .toArray(TokenDigest[]::new);
    if (rest.length == 0) {
      delete(slot);
    } else {
      digests[slot] = rest.length == 1 ? rest[0] : rest;
    }
  }

  /** The digests of token {@code id} (none: an empty array). */
  synchronized TokenDigest[] get(long id) {
    int slot = find(id);
    return slot < 0 ? new TokenDigest[0] : asArray(digests[slot]).clone();
  }

  synchronized int size() {
    return size;
  }

  synchronized void clear() {
    ids = new long[MIN_CAPACITY];
    digests = new Object[MIN_CAPACITY];
    size = 0;
  }

  private static TokenDigest[] asArray(Object held) {
    return held instanceof TokenDigest one ? new TokenDigest[] {one} : (TokenDigest[]) held;
  }

  // The slot holding id, or -(the free slot where it would go) - 1.
  private int find(long id) {
    int mask = ids.length - 1;
    for (int slot = home(id, mask); ; slot = (slot + 1) & mask) {
      if (digests[slot] == null) {
        return -slot - 1;
      }
      if (ids[slot] == id) {
        return slot;
      }
    }
  }

  private static int home(long id, int mask) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  // Frees a slot and moves back the entries after it that probing would no longer reach
  // (deletion without tombstones, so a table that has seen many tokens come and go stays fast).
  private void delete(int slot) {
    int mask = ids.length - 1;
    int free = slot;
    for (int next = (free + 1) & mask; digests[next] != null; next = (next + 1) & mask) {
      int home = home(ids[next], mask);
      // The entry at next may move to free only if its home is not cyclically in (free, next].
      boolean reachable = free <= next ? free < home && home <= next : free < home || home <= next;
      if (!reachable) {
        ids[free] = ids[next];
        digests[free] = digests[next];
        free = next;
      }
    }
    ids[free] = 0;
    digests[free] = null;
    size--;
    if (ids.length > MIN_CAPACITY && size * 8L < ids.length) {
      resize(ids.length / 2);
    }
  }

  private void resize(int capacity) {
    long[] oldIds = ids;
    Object[] oldDigests = digests;
    ids = new long[capacity];
    digests = new Object[capacity];
    for (int i = 0; i < oldIds.length; i++) {
      if (oldDigests[i] != null) {
        int slot = -find(oldIds[i]) - 1;
        ids[slot] = oldIds[i];
        digests[slot] = oldDigests[i];
      }
    }
  }
}
