package dev.tokensmith.users;

import java.util.Arrays;
import java.util.Optional;

/** How a user signs in: {@code none} (password), {@code sso}, or {@code strict} (SSO only). */
public enum Sso {
  NONE("none"),
  SSO("sso"),
  STRICT("strict");

  private final String id;

  Sso(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<Sso> fromId(String id) {
    return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
  }
}
