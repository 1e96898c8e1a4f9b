package dev.tokensmith.permissions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable set of permission ids ({@code resource:action}) from the fixed catalogue of spec 1.4.
 *
 * <p>Backed by a 128-bit mask so that {@link #has}, {@link #intersect} and {@link #containsAll}
 * on the verification path cost a few word operations and allocate at most the result.
 */
public final class PermissionSet {

  private static final String[] RESOURCES = {
    "nodes", "dashboard", "attacks", "incidents", "api_sessions", "vulnerabilities",
    "api_inventory", "api_specs", "infrastructure", "triggers", "ip_lists", "rules",
    "mitigation_controls", "credential_stuffing", "security_edge", "integrations",
    "filtration_mode", "applications", "users", "api_tokens", "activity_log", "clients"
  };

  private static final String[] BASE_ACTIONS = {"view", "create", "update", "delete"};

  /** Extra actions beyond the four base ones; each follows its resource's base actions. */
  private static final Map<String, String> EXTRA_ACTION = Map.of(
      "ip_lists", "export",
      "activity_log", "export",
      "api_inventory", "download");

  /** Every id, in catalogue order; the index of an id is its bit. */
  private static final String[] IDS;
  private static final Map<String, Integer> BIT_OF;
  /** Per resource (by index in RESOURCES): the bit of its view permission. */
  private static final int[] VIEW_BIT;
  /** Per resource: the mask of all its permissions, low and high word. */
  private static final long[] RESOURCE_LO;
  private static final long[] RESOURCE_HI;
  private static final List<String> CATALOGUE;
  private static final List<String> RESOURCE_LIST = List.of(RESOURCES);

  static {
    List<String> ids = new ArrayList<>();
    VIEW_BIT = new int[RESOURCES.length];
    RESOURCE_LO = new long[RESOURCES.length];
    RESOURCE_HI = new long[RESOURCES.length];
    for (int r = 0; r < RESOURCES.length; r++) {
      VIEW_BIT[r] = ids.size();
      List<String> actions = new ArrayList<>(Arrays.asList(BASE_ACTIONS));
      String extra = EXTRA_ACTION.get(RESOURCES[r]);
      if (extra != null) {
        actions.add(extra);
      }
      for (String action : actions) {
        int bit = ids.size();
        if (bit < 64) {
          RESOURCE_LO[r] |= 1L << bit;
        } else {
          RESOURCE_HI[r] |= 1L << (bit - 64);
        }
        ids.add(RESOURCES[r] + ":" + action);
      }
    }
    if (ids.size() > 128) {
      throw new AssertionError("permission catalogue exceeds 128 bits");
    }
    IDS = ids.toArray(new String[0]);
    Map<String, Integer> bitOf = new HashMap<>();
    for (int i = 0; i < IDS.length; i++) {
      bitOf.put(IDS[i], i);
    }
    BIT_OF = Collections.unmodifiableMap(bitOf);
    CATALOGUE = List.of(IDS);
  }

  /** The set holding no permission. */
  public static final PermissionSet EMPTY = new PermissionSet(0L, 0L);

  private final long lo;
  private final long hi;

  private PermissionSet(long lo, long hi) {
    this.lo = lo;
    this.hi = hi;
  }

  /** Whether {@code id} is a permission of the catalogue; false for null. */
  public static boolean isKnown(String id) {
    return id != null && BIT_OF.containsKey(id);
  }

  /** All permission ids, in catalogue order (resource by resource). */
  public static List<String> catalogue() {
    return CATALOGUE;
  }

  /** All resource names, in spec order. */
  public static List<String> resources() {
    return RESOURCE_LIST;
  }

  /**
   * The set of the given ids; duplicates are ignored.
   *
   * @throws IllegalArgumentException if an id is null or not in the catalogue (check with {@link #isKnown})
   */
  public static PermissionSet of(Collection<String> ids) {
    Objects.requireNonNull(ids, "ids");
    long lo = 0L;
    long hi = 0L;
    for (String id : ids) {
      Integer bit = id == null ? null : BIT_OF.get(id);
      if (bit == null) {
        // The offending value is not echoed: it came from a caller and could be anything.
        throw new IllegalArgumentException("unknown permission id");
      }
      if (bit < 64) {
        lo |= 1L << bit;
      } else {
        hi |= 1L << (bit - 64);
      }
    }
    return create(lo, hi);
  }

  /** The set of the given ids; see {@link #of(Collection)}. */
  public static PermissionSet of(String... ids) {
    return of(Arrays.asList(ids));
  }

  private static PermissionSet create(long lo, long hi) {
    return (lo | hi) == 0L ? EMPTY : new PermissionSet(lo, hi);
  }

  /** Whether this set holds {@code id}; false for an unknown id or null. */
  public boolean has(String id) {
    Integer bit = id == null ? null : BIT_OF.get(id);
    if (bit == null) {
      return false;
    }
    return bit < 64 ? (lo & (1L << bit)) != 0 : (hi & (1L << (bit - 64))) != 0;
  }

  /** Whether this set holds no permission. */
  public boolean isEmpty() {
    return (lo | hi) == 0L;
  }

  /** The number of permissions held. */
  public int size() {
    return Long.bitCount(lo) + Long.bitCount(hi);
  }

  /** The permissions held by both sets. */
  public PermissionSet intersect(PermissionSet other) {
    return create(lo & other.lo, hi & other.hi);
  }

  /** The permissions held by either set. */
  public PermissionSet union(PermissionSet other) {
    return create(lo | other.lo, hi | other.hi);
  }

  /** Whether every permission of {@code other} is in this set. */
  public boolean containsAll(PermissionSet other) {
    return (other.lo & ~lo) == 0L && (other.hi & ~hi) == 0L;
  }

  /**
   * The permissions that actually grant something: every permission whose resource's
   * {@code view} is missing is dropped (spec 1.4).
   */
  public PermissionSet effective() {
    long keepLo = 0L;
    long keepHi = 0L;
    for (int r = 0; r < VIEW_BIT.length; r++) {
      int bit = VIEW_BIT[r];
      boolean view = bit < 64 ? (lo & (1L << bit)) != 0 : (hi & (1L << (bit - 64))) != 0;
      if (view) {
        keepLo |= RESOURCE_LO[r];
        keepHi |= RESOURCE_HI[r];
      }
    }
    long newLo = lo & keepLo;
    long newHi = hi & keepHi;
    return newLo == lo && newHi == hi ? this : create(newLo, newHi);
  }

  /** The ids held, in catalogue order. */
  public List<String> ids() {
    List<String> out = new ArrayList<>(size());
    for (int bit = 0; bit < IDS.length; bit++) {
      boolean set = bit < 64 ? (lo & (1L << bit)) != 0 : (hi & (1L << (bit - 64))) != 0;
      if (set) {
        out.add(IDS[bit]);
      }
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PermissionSet other && other.lo == lo && other.hi == hi;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(lo) * 31 + Long.hashCode(hi);
  }

  @Override
  public String toString() {
    return "PermissionSet" + ids();
  }
}
