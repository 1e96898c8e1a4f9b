package dev.tokensmith.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tokensmith.testing.TestServer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Request bodies for property tests: any JSON value, and objects that use the API's real field
 * names with values that are right, nearly right or plainly wrong. Ids of live objects are
 * placeholders ({@link Target}) filled in when the body is written, so a body can aim at the
 * objects of whichever server runs it.
 */
final class GeneratedBodies {
  /** A live object's id (or value) to put where the generated body names it. */
  enum Target {
    ADMIN,
    USER,
    TOKEN,
    TENANT,
    PARTNER_UUID
  }

  /**
   * A generated body: a tree of maps, lists, texts, numbers, booleans, nulls and targets; written
   * plain or all-ASCII.
   */
  record Body(Object tree, boolean asciiOnly) {
    String write(Function<Target, Object> targets) {
      try {
        return (asciiOnly ? ASCII : PLAIN).writeValueAsString(resolve(tree, targets));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public String toString() {
      String text = write(Target::name);
      return text.length() > 2000
          ? text.substring(0, 2000) + "…(" + text.length() + " chars)"
          : text;
    }
  }

  static final List<String> FIELDS =
      List.of(
          "realname",
          "permissions",
          "expire_at",
          "enabled",
          "shared",
          "usage",
          "allowed_ips",
          "user_id",
          "client_id",
          "clientid",
          "email",
          "password",
          "name",
          "vuln_prefix",
          "partner_uuid",
          "filter",
          "fields",
          "grace_seconds",
          "id",
          "sso",
          "api_access",
          "show_once",
          "max_tokens",
          "limit",
          "offset");

  private static final Object NULL = new Object();
  private static final ObjectMapper PLAIN = new ObjectMapper();
  // Non-ASCII as \\uXXXX escapes: the only way to send a lone surrogate, which UTF-8 cannot carry.
  private static final ObjectMapper ASCII =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private GeneratedBodies() {}

  /** Any JSON value, an object four times in five, nested up to four levels. */
  static Arbitrary<Body> anyJson() {
    Arbitrary<Object> top =
        Arbitraries.frequencyOf(Tuple.of(4, object(value(3))), Tuple.of(1, value(4)));
    return Combinators.combine(top, Arbitraries.of(true, false)).as(Body::new);
  }

  /**
   * Objects of real field names (nested under filter/fields too), each value right for its field or
   * wrong.
   */
  static Arbitrary<Body> fieldObjects() {
    return Combinators.combine(fieldObject(2), Arbitraries.of(true, false)).as(Body::new);
  }

  /**
   * One change to a valid body: a field removed, set to a value right for it, or set to anything.
   */
  record Mutation(String field, Kind kind, Object value) {
    enum Kind {
      KEEP,
      REMOVE,
      SET
    }

    /**
     * The body with this change; a field of {@code fields} or {@code filter} is changed in there.
     */
    Map<String, Object> applyTo(Map<String, Object> valid) {
      Map<String, Object> body = new LinkedHashMap<>(valid);
      String holder =
          field.equals("id") && body.get("filter") instanceof Map
              ? "filter"
              : !List.of("filter", "fields").contains(field) && body.get("fields") instanceof Map
                  ? "fields"
                  : null;
      @SuppressWarnings("unchecked")
      Map<String, Object> target =
          holder == null ? body : new LinkedHashMap<>((Map<String, Object>) body.get(holder));
      if (kind == Kind.REMOVE) {
        target.remove(field);
      } else if (kind == Kind.SET) {
        target.put(field, value == NULL ? null : value);
      }
      if (holder != null) {
        body.put(holder, target);
      }
      return body;
    }
  }

  static Arbitrary<Mutation> mutations() {
    return Arbitraries.of(FIELDS)
        .flatMap(
            field ->
                Arbitraries.frequencyOf(
                    Tuple.of(1, Arbitraries.just(new Mutation(field, Mutation.Kind.KEEP, null))),
                    Tuple.of(2, Arbitraries.just(new Mutation(field, Mutation.Kind.REMOVE, null))),
                    Tuple.of(
                        4, plausible(field, 1).map(v -> new Mutation(field, Mutation.Kind.SET, v))),
                    Tuple.of(
                        3,
                        value(2)
                            .map(
                                v ->
                                    new Mutation(
                                        field, Mutation.Kind.SET, v == null ? NULL : v)))));
  }

  private static Arbitrary<Object> value(int depth) {
    if (depth == 0) {
      return leaf();
    }
    Arbitrary<Object> inner = Arbitraries.lazy(() -> value(depth - 1));
    return Arbitraries.frequencyOf(
        Tuple.of(3, leaf()),
        Tuple.of(2, inner.list().ofMaxSize(5).map(list -> (Object) list)),
        Tuple.of(3, object(inner)));
  }

  private static Arbitrary<Object> object(Arbitrary<Object> values) {
    return Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of(FIELDS), text()), values)
        .ofMaxSize(6)
        .map(m -> (Object) m);
  }

  // Each field is present about one time in three; its value is wrong about one time in six.
  private static Arbitrary<Object> fieldObject(int depth) {
    List<Arbitrary<Optional<Object>>> fields = new ArrayList<>();
    for (String name : FIELDS) {
      Arbitrary<Object> wrong = Arbitraries.lazy(() -> value(2));
      Arbitrary<Object> value =
          Arbitraries.frequencyOf(Tuple.of(5, plausible(name, depth)), Tuple.of(1, wrong));
      fields.add(
          Arbitraries.frequencyOf(
              Tuple.of(2, Arbitraries.just(Optional.empty())),
              Tuple.of(1, value.map(v -> Optional.of(v == null ? NULL : v)))));
    }
    return Combinators.combine(fields)
        .as(
            values -> {
              Map<String, Object> object = new LinkedHashMap<>();
              for (int i = 0; i < FIELDS.size(); i++) {
                String name = FIELDS.get(i);
                values.get(i).ifPresent(v -> object.put(name, v == NULL ? null : v));
              }
              return (Object) object;
            });
  }

  /** Values the field would accept, or nearly. */
  private static Arbitrary<Object> plausible(String field, int depth) {
    Arbitrary<?> values =
        switch (field) {
          case "realname", "name" ->
              Arbitraries.oneOf(
                  Arbitraries.strings()
                      .alpha()
                      .numeric()
                      .withChars(' ')
                      .ofMinLength(1)
                      .ofMaxLength(30),
                  Arbitraries.of(
                      "", "  ", "x".repeat(255), "x".repeat(256), "Zoë 😀", "\u202Eevil"));
          case "permissions" ->
              Arbitraries.of(
                  List.of("admin"),
                  List.of("analytic"),
                  List.of("partner_admin"),
                  List.of("partner_analytic"),
                  List.of("auditor"),
                  List.of("deploy"),
                  List.of("api_tokens:view", "api_tokens:create"),
                  List.of("users:view"),
                  List.of("api_tokens:create"),
                  List.of("custom"),
                  List.of(),
                  List.of("admin", "analytic"));
          case "expire_at" ->
              Arbitraries.of(
                  "2033-06-13T04:56:01.037Z",
                  "2099-12-31T23:59:59+05:00",
                  "2020-01-01T00:00:00Z",
                  "2033-02-30T00:00:00Z",
                  "1969-01-01T00:00:00Z",
                  "soon");
          case "enabled", "shared", "show_once", "api_access" -> Arbitraries.of(true, false);
          case "usage" -> Arbitraries.of("api", "node_deployment", "API", "nope");
          case "allowed_ips" ->
              Arbitraries.of(
                  List.of(),
                  List.of("10.0.0.0/8"),
                  List.of("::1", "192.168.0.1/32"),
                  List.of("10.0.0.0/33"),
                  List.of("host"));
          case "user_id", "client_id", "clientid", "id" ->
              Arbitraries.oneOf(
                  Arbitraries.of(Target.values()),
                  Arbitraries.of(-1L, 0L, 999_999L, 1L << 53, (1L << 53) + 1));
          case "email" ->
              Arbitraries.oneOf(
                  Arbitraries.strings()
                      .alpha()
                      .ofMinLength(1)
                      .ofMaxLength(12)
                      .map(s -> s + "@example.com"),
                  Arbitraries.of(TestServer.ADMIN_EMAIL, "no-at-sign", "a@b@c"));
          case "password" ->
              Arbitraries.of("long-enough-password", "short", TestServer.ADMIN_PASSWORD);
          case "vuln_prefix" ->
              Arbitraries.oneOf(
                  Arbitraries.strings()
                      .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                      .ofLength(4),
                  Arbitraries.of("abcd", "AB", "ABCDE"));
          case "partner_uuid" ->
              Arbitraries.of(Target.PARTNER_UUID, "00000000-0000-0000-0000-000000000000");
          case "filter", "fields" ->
              depth == 0
                  ? Arbitraries.just(Map.of())
                  : Arbitraries.lazy(() -> fieldObject(depth - 1));
          case "grace_seconds" -> Arbitraries.of(0, 1, 60, 604_800, 604_801, -1);
          case "sso" -> Arbitraries.of("none", "sso", "strict", "SSO");
          case "max_tokens" -> Arbitraries.of(0, 1, 1000, -1);
          case "limit", "offset" -> Arbitraries.of(0, 1, 50, 1000, 1001, -1);
          default -> throw new IllegalArgumentException(field);
        };
    return values.map(v -> (Object) v);
  }

  private static Arbitrary<Object> leaf() {
    return Arbitraries.oneOf(
        text().map(s -> (Object) s),
        Arbitraries.of(
                "",
                " ",
                "\u0000",
                "\uD800",
                "\uDC00x",
                "😀",
                "\u202Eevil",
                "null",
                "true",
                "{}",
                "[]",
                "x".repeat(256),
                "y".repeat(10_000),
                "2033-06-13T04:56:01.037Z",
                "admin",
                "api_tokens:view",
                "10.0.0.0/8")
            .map(s -> (Object) s),
        Arbitraries.integers().map(n -> (Object) n),
        Arbitraries.longs().map(n -> (Object) n),
        Arbitraries.of(
                BigInteger.TWO.pow(63),
                BigInteger.TWO.pow(64).negate(),
                BigInteger.TEN.pow(40),
                new BigDecimal("1e30"),
                new BigDecimal("1.5"),
                new BigDecimal("-0.0"),
                new BigDecimal("1e-400"),
                new BigDecimal("9e999999"),
                1L << 53,
                (1L << 53) + 1,
                Long.MAX_VALUE,
                Long.MIN_VALUE)
            .map(n -> (Object) n),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(null));
  }

  private static Arbitrary<String> text() {
    return Arbitraries.strings().all().ofMaxLength(40);
  }

  private static Object resolve(Object tree, Function<Target, Object> targets) {
    if (tree instanceof Target target) {
      return targets.apply(target);
    }
    if (tree instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, resolve(v, targets)));
      return out;
    }
    if (tree instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(item -> out.add(resolve(item, targets)));
      return out;
    }
    return tree;
  }
}
