package dev.tokensmith.tokens;

import java.util.Arrays;
import java.util.Optional;

/** What a token is for: the API, or registering nodes only. */
public enum Usage {
  API("api"),
  NODE_DEPLOYMENT("node_deployment");

  private final String id;

  Usage(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<Usage> fromId(String id) {
    return Arrays.stream(values()).filter(u -> u.id.equals(id)).findFirst();
  }
}
