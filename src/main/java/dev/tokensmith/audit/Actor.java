package dev.tokensmith.audit;

/** Who did something: {@code type} is user, api_token, node or system. */
public record Actor(String type, Long id, String name) {

  public static final Actor SYSTEM = new Actor("system", null, "system");
}
