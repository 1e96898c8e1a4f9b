package dev.tokensmith.auth;

import java.util.List;

/**
 * Original URIs for {@code GET /v2/auth/forward} under the table {@link #ROUTES}: attempts to reach
 * {@code /admin/users} through {@code /public/**}, as one server or another behind a gateway would
 * resolve them, and ordinary paths that must keep working.
 */
final class PathConfusion {
  static final String ROUTES =
      """
      GET /public/** -
      GET /admin/**  users:delete
      """;

  /**
   * Each would reach {@code /admin/…} on some server: refused, or matched to the admin route, never
   * to public.
   */
  static final List<String> WALKS =
      List.of(
          "/public/../admin/users",
          "/public/./../admin/users",
          "/public/x/../../admin/users",
          "/public/..;/admin/users",
          "/public/..;jsessionid=1/admin/users",
          "/public/..;a=b;c/admin/users",
          "/public/.;/..;/admin/users",
          "/public;x/../admin/users",
          "/public/..%3b/admin/users",
          "/public/..%3B/admin/users",
          "/public/..%3bjsessionid=1/admin/users",
          "/public/..%00/admin/users",
          "/public/%00/../admin/users",
          "/public/%2e%2e/admin/users",
          "/public/%2E%2E/admin/users",
          "/public/.%2e/admin/users",
          "/public/%2e./admin/users",
          "/public/%2e%2e;/admin/users",
          "/%2e%2e/admin/users",
          "/public/%252e%252e/admin/users",
          "/public/%25%32%65%25%32%65/admin/users",
          "/public/%252e%252e%252fadmin/users",
          "/public/%c0%ae%c0%ae/admin/users",
          "/public/%C0%AE%C0%AE/admin/users",
          "/public/%e0%80%ae%e0%80%ae/admin/users",
          "/public/..%c0%af/admin/users",
          "/public/%u002e%u002e/admin/users",
          "/public/%ef%bc%8e%ef%bc%8e/admin/users",
          "/public/%e2%80%a5/admin/users",
          "/public/..%ef%bc%8fadmin/users",
          "/public/..%2fadmin/users",
          "/public/..%2Fadmin/users",
          "/public%2f..%2fadmin/users",
          "/public/%2e%2e%2fadmin/users",
          "/public/..%5cadmin/users",
          "/public/..%5Cadmin/users",
          "/public/..%255cadmin/users",
          "/public/..\\admin/users",
          "/public\\..\\admin/users",
          "/public/x\\..\\..\\admin/users",
          "//public/../admin/users",
          "/public//../admin/users",
          "/public//admin/users",
          "//admin/users",
          "/public/.../admin/users",
          "/public/..%20/admin/users",
          "/public/.. /admin/users",
          "/public/..%09/admin/users",
          "/public/..%0d%0a/admin/users",
          "/public/#/../admin/users",
          "/public/%23/../admin/users",
          "/public/%3f/../admin/users",
          "/admin%3f/../public/x",
          "/admin%23/users",
          "/admin%3fx/users",
          "/admin./users",
          "/admin%2e/users",
          "/admin%20/users",
          "/admin/users?x=/../../public/x",
          "/admin;x/users",
          "/admin;/users",
          "/admin/users;jsessionid=1",
          "/admin/%75sers",
          "/%61dmin/users",
          "admin/users",
          "http://gateway/admin/users",
          "*");

  /** Paths whose strictest reading is public: allowed to any valid token. */
  static final List<String> PUBLIC =
      List.of(
          "/public",
          "/public/",
          "/public/x",
          "/public/x/",
          "/public/%41bc",
          "/public/a%20b",
          "/public/v1.json",
          "/public/caf%C3%A9",
          "/public/x;jsessionid=1",
          "/public/x%3bv=1",
          "/public/x?next=/../admin/users",
          "/public/x?q=%2e%2e%2f#frag",
          "/%70ublic/x");

  private PathConfusion() {}
}
