package dev.tokensmith.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.permissions.Catalogue;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The forward route table: first match wins, and a path servers could read differently is refused.
 */
class RouteTableTest {
  private static final Catalogue CATALOGUE = Catalogue.standard();
  private static final Optional<Optional<String>> ANY_TOKEN = Optional.of(Optional.empty());
  private static final Optional<Optional<String>> ADMIN = Optional.of(Optional.of("users:delete"));
  private static final Optional<Optional<String>> REFUSED = Optional.empty();

  private final RouteTable table = RouteTable.parse(PathConfusion.ROUTES, "test", CATALOGUE);

  @Test
  void permissionForWhenPathWalksOutOfPublicThenRefusedOrTheAdminRouteNeverPublic() {
    for (String uri : PathConfusion.WALKS) {
      assertThat(table.permissionFor("GET", uri)).as(uri).isIn(REFUSED, ADMIN);
    }
  }

  @Test
  void permissionForWhenRawBytesOrControlCharactersThenReadAsTheStrictestServerWould() {
    for (String uri :
        List.of(
            "/public/..\u0000/admin/users",
            "/public/\u0000",
            "/public/..\r\n/admin/users",
            "/public/\u00ef\u00bc\u008e\u00ef\u00bc\u008e/admin/users",
            "/public/\uff0e\uff0e/admin/users",
            "/public/\u00c0\u00ae\u00c0\u00ae/admin/users",
            "/public/x\u007f",
            "/public/\u2025/admin/users")) {
      assertThat(table.permissionFor("GET", uri)).as(uri).isEqualTo(REFUSED);
    }
    assertThat(table.permissionFor("GET", "/public/caf\u00c3\u00a9")).isEqualTo(ANY_TOKEN);
  }

  @Test
  void permissionForWhenOrdinaryPathThenMatchedOnItsDecodedForm() {
    for (String uri : PathConfusion.PUBLIC) {
      assertThat(table.permissionFor("GET", uri)).as(uri).isEqualTo(ANY_TOKEN);
    }
    for (String uri :
        List.of(
            "/admin/users",
            "/admin/users/",
            "/admin/users;jsessionid=1",
            "/admin/%75sers",
            "/%61dmin/users",
            "/admin/users?next=/public")) {
      assertThat(table.permissionFor("GET", uri)).as(uri).isEqualTo(ADMIN);
    }
    assertThat(table.permissionFor("POST", "/public/x")).isEqualTo(REFUSED);
    assertThat(table.permissionFor("GET", "/other")).isEqualTo(REFUSED);
  }

  @Test
  void permissionForWhenSemicolonHidesTheRestOfASegmentThenNeverTheNamedLine() {
    // Servlet containers drop a segment's ";params" but keep an encoded %3b as part of the name;
    // Express,
    // nginx and most others keep both: "public;x" and "public%3bx" are not the public file there.
    RouteTable files =
        RouteTable.parse(
            """
        GET /files/public -
        GET /files/*      users:delete
        """,
            "test",
            CATALOGUE);
    Optional<Optional<String>> delete = Optional.of(Optional.of("users:delete"));
    for (String uri :
        List.of(
            "/files/public%3bx",
            "/files/public%3Bx",
            "/files/public%3b",
            "/files/public;x",
            "/files/public;",
            "/files/public;jsessionid=1")) {
      assertThat(files.permissionFor("GET", uri)).as(uri).isIn(REFUSED, delete);
    }
    assertThat(files.permissionFor("GET", "/files/public")).isEqualTo(ANY_TOKEN);
    assertThat(files.permissionFor("GET", "/files/public/")).isEqualTo(ANY_TOKEN);
    assertThat(files.permissionFor("GET", "/files/report;jsessionid=1")).isEqualTo(delete);
    assertThat(files.permissionFor("GET", "/files/a%3bb")).isEqualTo(delete);
    // Parameters inside the path: /admin/users and /public/x to a servlet container, no line to
    // others.
    assertThat(table.permissionFor("GET", "/admin;x/users")).isEqualTo(REFUSED);
    assertThat(table.permissionFor("GET", "/public;jsessionid=1/x")).isEqualTo(REFUSED);
  }

  @Test
  void permissionForWhenCaseDiffersThenNeverALineThatCaseBlindServersWouldNotReach() {
    // Express and ASP.NET route without regard to case: /ADMIN/users is /admin/users there, and
    // /files/PUBLIC is the public file; a case-sensitive server reads both the other way.
    RouteTable table =
        RouteTable.parse(
            """
        GET /admin/**     users:delete
        GET /files/public -
        GET /files/*      users:delete
        GET /**           -
        """,
            "test",
            CATALOGUE);
    Optional<Optional<String>> delete = Optional.of(Optional.of("users:delete"));
    for (String uri :
        List.of(
            "/ADMIN/users",
            "/Admin/users",
            "/aDmIn",
            "/%41dmin/users",
            "/admin/../ADMIN",
            "/files/PUBLIC",
            "/adm%C4%B1n/users")) {
      assertThat(table.permissionFor("GET", uri)).as(uri).isIn(REFUSED, delete);
    }
    assertThat(table.permissionFor("GET", "/ADMIN/users")).isEqualTo(REFUSED);
    assertThat(table.permissionFor("GET", "/admin/USERS")).isEqualTo(delete);
    assertThat(table.permissionFor("GET", "/files/Report")).isEqualTo(delete);
    assertThat(table.permissionFor("GET", "/files/public")).isEqualTo(ANY_TOKEN);
    assertThat(table.permissionFor("GET", "/Other/Page")).isEqualTo(ANY_TOKEN);
  }

  @Test
  void permissionForWhenPatternHasWildcardsThenOneSegmentOrTheRest() {
    RouteTable wildcards =
        RouteTable.parse(
            """
        GET /a/*/c  -
        *   /b/**   users:view
        GET /       users:create
        """,
            "test",
            CATALOGUE);
    assertThat(wildcards.permissionFor("GET", "/a/x/c")).isEqualTo(ANY_TOKEN);
    assertThat(wildcards.permissionFor("GET", "/a/x/y/c")).isEqualTo(REFUSED);
    assertThat(wildcards.permissionFor("DELETE", "/b"))
        .isEqualTo(Optional.of(Optional.of("users:view")));
    assertThat(wildcards.permissionFor("PUT", "/b/1/2"))
        .isEqualTo(Optional.of(Optional.of("users:view")));
    assertThat(wildcards.permissionFor("GET", "/"))
        .isEqualTo(Optional.of(Optional.of("users:create")));
    assertThat(wildcards.permissionFor("GET", "/?x=1"))
        .isEqualTo(Optional.of(Optional.of("users:create")));
  }

  @Test
  void parseWhenPatternCouldNeverMatchANormalisedPathThenFailsNamingTheLine() {
    for (String line :
        List.of(
            "GET /a/../b -",
            "GET /a/./b -",
            "GET /a/%2e -",
            "GET /a;x -",
            "GET /a\\b -",
            "GET /a//b -",
            "GET /a/**/b -",
            "GET a -",
            "GET /a?x -",
            "GET /a -  extra",
            "GET /a nosuch:permission")) {
      assertThatThrownBy(() -> RouteTable.parse("# comment\n" + line, "routes.txt", CATALOGUE))
          .as(line)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("routes.txt line 2:");
    }
  }

  @Test
  void parseWhenDefaultTableThenEveryLineAccepted() {
    RouteTable defaults = RouteTable.parse(RouteTable.DEFAULT, "default", CATALOGUE);
    assertThat(defaults.permissionFor("GET", "/v2/api_tokens/7/secret"))
        .isEqualTo(Optional.of(Optional.of("api_tokens:view")));
    assertThat(defaults.permissionFor("GET", "/v2/api_tokens/7/../../activity_log"))
        .isEqualTo(REFUSED);
  }
}
