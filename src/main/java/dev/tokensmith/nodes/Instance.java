package dev.tokensmith.nodes;

import java.time.Instant;

/**
 * A host running a node, as registered: its credential pair is {@code uuid} and a secret of which
 * only {@code secretDigest} is kept.
 *
 * @param tokenId the API token it registered with; null for a node token, and once that token is
 *     deleted
 * @param nodeTokenGeneration the node token's generation it registered with; null for an API token
 * @param lastActivity its last sync as recorded (null = never)
 * @param ip the address of its last sync, or null
 */
record Instance(
    long id,
    String uuid,
    long nodeId,
    String hostname,
    String secretDigest,
    RegisteredWith registeredWith,
    Long tokenId,
    Integer nodeTokenGeneration,
    Instant createAt,
    Instant lastActivity,
    String ip) {

  /** What an instance registered with. */
  enum RegisteredWith {
    NODE_TOKEN("node_token"),
    API_TOKEN("api_token");

    private final String id;

    RegisteredWith(String id) {
      this.id = id;
    }

    String id() {
      return id;
    }

    static RegisteredWith fromId(String id) {
      for (RegisteredWith value : values()) {
        if (value.id.equals(id)) {
          return value;
        }
      }
      throw new IllegalArgumentException("unknown registration kind");
    }
  }

  @Override
  public String toString() {
    return "Instance[id=" + id + ", node=" + nodeId + "]";
  }
}
