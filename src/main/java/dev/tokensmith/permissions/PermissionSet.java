package dev.tokensmith.permissions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable set of permission ids ({@code resource:action}) of one {@link Catalogue}.
 *
 * <p>Backed by a bit mask over the catalogue's ids (two words for the default catalogue), so that
 * {@link #has}, {@link #intersect} and {@link #containsAll} on the verification path cost a few
 * word operations and allocate at most the result. Sets are made by their catalogue ({@link
 * Catalogue#set}, {@link Catalogue#bundle}); {@link #EMPTY} belongs to every catalogue.
 */
public final class PermissionSet {

  /** The set holding no permission. */
  public static final PermissionSet EMPTY = new PermissionSet(null, new long[0]);

  private final Catalogue catalogue;
  private final long[] mask;

  private PermissionSet(Catalogue catalogue, long[] mask) {
    this.catalogue = catalogue;
    this.mask = mask;
  }

  /** The set of {@code mask}'s bits in {@code catalogue}; owns the array. */
  static PermissionSet create(Catalogue catalogue, long[] mask) {
    for (long word : mask) {
      if (word != 0L) {
        return new PermissionSet(catalogue, mask);
      }
    }
    return EMPTY;
  }

  /** Whether this set holds {@code id}; false for an unknown id or null. */
  public boolean has(String id) {
    if (catalogue == null) {
      return false;
    }
    int bit = catalogue.bit(id);
    return bit >= 0 && (mask[bit >>> 6] & (1L << bit)) != 0;
  }

  /** Whether this set holds no permission. */
  public boolean isEmpty() {
    return catalogue == null;
  }

  /** The number of permissions held. */
  public int size() {
    int size = 0;
    for (long word : mask) {
      size += Long.bitCount(word);
    }
    return size;
  }

  /** The permissions held by both sets. */
  public PermissionSet intersect(PermissionSet other) {
    if (isEmpty() || other.isEmpty()) {
      return EMPTY;
    }
    long[] both = new long[Math.min(mask.length, other.mask.length)];
    for (int w = 0; w < both.length; w++) {
      both[w] = mask[w] & other.mask[w];
    }
    return create(catalogue, both);
  }

  /** The permissions held by either set. */
  public PermissionSet union(PermissionSet other) {
    if (isEmpty()) {
      return other;
    }
    if (other.isEmpty()) {
      return this;
    }
    long[] either = Arrays.copyOf(mask, Math.max(mask.length, other.mask.length));
    for (int w = 0; w < other.mask.length; w++) {
      either[w] |= other.mask[w];
    }
    return create(catalogue, either);
  }

  /** Whether every permission of {@code other} is in this set. */
  public boolean containsAll(PermissionSet other) {
    for (int w = 0; w < other.mask.length; w++) {
      long mine = w < mask.length ? mask[w] : 0L;
      if ((other.mask[w] & ~mine) != 0L) {
        return false;
      }
    }
    return true;
  }

  /**
   * The permissions that actually grant something: every permission whose resource's {@code view}
   * is missing is dropped.
   */
  public PermissionSet effective() {
    if (isEmpty()) {
      return this;
    }
    long[] kept = catalogue.keepViewed(mask);
    return Arrays.equals(kept, mask) ? this : create(catalogue, kept);
  }

  /** The ids held, in catalogue order. */
  public List<String> ids() {
    List<String> out = new ArrayList<>(size());
    for (int w = 0; w < mask.length; w++) {
      long word = mask[w];
      while (word != 0L) {
        int bit = Long.numberOfTrailingZeros(word);
        out.add(catalogue.id(w * 64 + bit));
        word &= word - 1;
      }
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PermissionSet other && Arrays.equals(other.mask, mask);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(mask);
  }

  @Override
  public String toString() {
    return "PermissionSet" + ids();
  }
}
