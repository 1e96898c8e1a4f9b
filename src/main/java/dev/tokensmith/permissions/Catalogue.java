package dev.tokensmith.permissions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The permissions there are: resources, each with its actions ({@code resource:action} ids), and
 * the bundle each role holds. The product's resources come from data — the default (a security
 * console's, in the jar) or an operator's file — and Tokensmith's own ({@code nodes}, {@code
 * users}, {@code api_tokens}, {@code activity_log}, {@code clients}) are always there with fixed
 * bundles.
 *
 * <p>Immutable; one instance is built at start and handed to whatever needs it. Every {@link
 * PermissionSet} is a bit mask over this catalogue's ids, in catalogue order: {@code nodes} first,
 * then the product's resources in file order, then the account resources.
 */
public final class Catalogue {
  private static final String BUILT_IN = "catalogue/tokensmith.json";
  private static final String DEFAULT = "catalogue/default.json";

  /** The built-in resource listed before the product's (the rest follow them). */
  private static final String LEADING = "nodes";

  /** The longest permission id: the most a request may write in a grant or a check. */
  public static final int MAX_ID_LENGTH = 64;

  /**
   * The most permission ids a catalogue has: a custom list of all of them must fit a request's
   * grant.
   */
  public static final int MAX_IDS = 200;

  /**
   * The most characters of all ids joined by commas: the stored custom list's column
   * (VARCHAR(4000)).
   */
  static final int MAX_LIST_CHARS = 4000;

  /** A resource with its actions and the actions each regular role holds on it. */
  public record Resource(
      String id, String title, List<String> actions, Map<Role, List<String>> roles) {
    public Resource {
      actions = List.copyOf(actions);
      roles = Map.copyOf(roles);
    }
  }

  /** A catalogue that cannot be used; the message is one line naming the file and the entry. */
  public static final class Invalid extends RuntimeException {
    public Invalid(String message) {
      super(message);
    }
  }

  private final String source;
  private final List<Resource> resources;
  private final List<String> ids;
  private final Map<String, Integer> bitOf;
  private final int words;

  /** Per resource: the bit of its view permission, and the mask of all its permissions. */
  private final int[] viewBit;

  private final long[][] resourceMask;
  private final Map<Role, PermissionSet> bundles = new EnumMap<>(Role.class);

  private Catalogue(String source, List<Resource> resources) {
    this.source = source;
    this.resources = List.copyOf(resources);
    List<String> all = new ArrayList<>();
    for (Resource resource : resources) {
      for (String action : resource.actions()) {
        all.add(resource.id() + ":" + action);
      }
    }
    this.ids = List.copyOf(all);
    this.words = (ids.size() + 63) / 64;
    Map<String, Integer> bits = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      bits.put(ids.get(i), i);
    }
    this.bitOf = Map.copyOf(bits);
    this.viewBit = new int[resources.size()];
    this.resourceMask = new long[resources.size()][words];
    for (int r = 0; r < resources.size(); r++) {
      Resource resource = resources.get(r);
      viewBit[r] = bitOf.get(resource.id() + ":view");
      for (String action : resource.actions()) {
        int bit = bitOf.get(resource.id() + ":" + action);
        resourceMask[r][bit >>> 6] |= 1L << bit;
      }
    }
    for (Role role : Role.values()) {
      Role regular = role.regular();
      List<String> held = new ArrayList<>();
      for (Resource resource : resources) {
        for (String action : resource.roles().getOrDefault(regular, List.of())) {
          held.add(resource.id() + ":" + action);
        }
      }
      if (role == Role.PARTNER_ADMIN) {
        // A Global Administrator also manages the tenants of their partner (never deletes one).
        held.addAll(List.of("clients:view", "clients:create", "clients:update"));
      }
      bundles.put(role, set(held));
    }
  }

  /** The default catalogue: the security console's resources and Tokensmith's own. */
  public static Catalogue standard() {
    return withProduct(resource(DEFAULT), "the default catalogue");
  }

  /**
   * Tokensmith's own resources and the product resources of an operator's file ({@code .yaml} or
   * {@code .yml}: YAML, anything else: JSON).
   *
   * @throws Invalid naming the file and line of the first problem
   */
  public static Catalogue load(Path file) {
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    boolean yaml =
        name.toLowerCase(Locale.ROOT).endsWith(".yaml")
            || name.toLowerCase(Locale.ROOT).endsWith(".yml");
    List<Resource> product;
    try (InputStream in = Files.newInputStream(file)) {
      product = CatalogueReader.read(in, yaml, file.toString(), resource(BUILT_IN));
    } catch (IOException e) {
      throw new Invalid(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    return withProduct(product, file.toString());
  }

  private static Catalogue withProduct(List<Resource> product, String source) {
    List<Resource> builtIn = resource(BUILT_IN);
    List<Resource> all = new ArrayList<>();
    builtIn.stream().filter(r -> r.id().equals(LEADING)).forEach(all::add);
    all.addAll(product);
    builtIn.stream().filter(r -> !r.id().equals(LEADING)).forEach(all::add);
    return new Catalogue(source, all);
  }

  private static List<Resource> resource(String name) {
    try (InputStream in = Catalogue.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return CatalogueReader.read(in, false, name, List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the product's resources came from, for the start banner. */
  public String source() {
    return source;
  }

  /** The resources, in catalogue order. */
  public List<Resource> resources() {
    return resources;
  }

  /** Every permission id, in catalogue order. */
  public List<String> ids() {
    return ids;
  }

  /** Whether {@code id} is a permission of this catalogue; false for null. */
  public boolean isKnown(String id) {
    return id != null && bitOf.containsKey(id);
  }

  /**
   * The set of the given ids; duplicates are ignored.
   *
   * @throws IllegalArgumentException if an id is null or not in the catalogue (check with {@link
   *     #isKnown})
   */
  public PermissionSet set(Collection<String> permissionIds) {
    Objects.requireNonNull(permissionIds, "ids");
    long[] mask = new long[words];
    for (String id : permissionIds) {
      Integer bit = id == null ? null : bitOf.get(id);
      if (bit == null) {
        // The offending value is not echoed: it came from a caller and could be anything.
        throw new IllegalArgumentException("unknown permission id");
      }
      mask[bit >>> 6] |= 1L << bit;
    }
    return PermissionSet.create(this, mask);
  }

  /** {@link #set(Collection)} of the given ids. */
  public PermissionSet set(String... permissionIds) {
    return set(List.of(permissionIds));
  }

  /** Every permission of the catalogue. */
  public PermissionSet all() {
    return set(ids);
  }

  /** A role's bundle; empty for {@link Role#CUSTOM}, whose permissions are an explicit list. */
  public PermissionSet bundle(Role role) {
    return bundles.get(role);
  }

  /** A role preset as a grant. */
  public Grant preset(Role role) {
    if (role == Role.CUSTOM) {
      throw new IllegalArgumentException("custom is not a preset");
    }
    return new Grant(role, List.of(), bundle(role), bundle(role));
  }

  /** A custom list as a grant; duplicates dropped, order kept. */
  public Grant custom(Collection<String> permissionIds) {
    List<String> unique = List.copyOf(new LinkedHashSet<>(permissionIds));
    PermissionSet requested = set(unique);
    return new Grant(null, unique, requested, requested.effective());
  }

  /**
   * A grant as stored. A custom list keeps every id as stored, but an id the catalogue no longer
   * has (its resource was removed) is in neither set: it grants nothing, even before the start
   * rewrites the stored list ({@link #removedFrom}).
   */
  public Grant stored(Role role, Collection<String> permissionIds) {
    if (role != Role.CUSTOM) {
      return preset(role);
    }
    List<String> unique = List.copyOf(new LinkedHashSet<>(permissionIds));
    PermissionSet requested = set(unique.stream().filter(this::isKnown).toList());
    return new Grant(null, unique, requested, requested.effective());
  }

  /**
   * Whether {@code grant} names an id this catalogue does not have (a stored list of a removed
   * resource).
   */
  public boolean removedFrom(Grant grant) {
    return !grant.custom().stream().allMatch(this::isKnown);
  }

  /**
   * A stored grant without the ids this catalogue no longer has, for writing back; empty when it
   * names none (nothing to rewrite).
   */
  public Optional<Grant> withoutRemoved(Grant grant) {
    return removedFrom(grant)
        ? Optional.of(custom(grant.custom().stream().filter(this::isKnown).toList()))
        : Optional.empty();
  }

  /**
   * Reads permissions as written on the wire: one role id ({@code ["admin"]}), or permission ids.
   * Empty when the list is empty, mixes roles in, names {@code custom} or an unknown id.
   */
  public Optional<Grant> parse(List<String> written) {
    if (written.isEmpty()) {
      return Optional.empty();
    }
    if (written.size() == 1) {
      Optional<Role> role = Role.fromId(written.get(0)).filter(r -> r != Role.CUSTOM);
      if (role.isPresent()) {
        return Optional.of(preset(role.get()));
      }
    }
    if (!written.stream().allMatch(this::isKnown)) {
      return Optional.empty();
    }
    return Optional.of(custom(written));
  }

  // ------------------------------------------------------------- for PermissionSet

  int words() {
    return words;
  }

  /** The bit of {@code id}, or -1 when unknown. */
  int bit(String id) {
    Integer bit = id == null ? null : bitOf.get(id);
    return bit == null ? -1 : bit;
  }

  String id(int bit) {
    return ids.get(bit);
  }

  /** {@code mask} without the permissions of resources whose view it lacks. */
  long[] keepViewed(long[] mask) {
    long[] keep = new long[words];
    for (int r = 0; r < viewBit.length; r++) {
      int bit = viewBit[r];
      if ((mask[bit >>> 6] & (1L << bit)) != 0) {
        for (int w = 0; w < words; w++) {
          keep[w] |= resourceMask[r][w];
        }
      }
    }
    for (int w = 0; w < words; w++) {
      keep[w] &= mask[w];
    }
    return keep;
  }
}
