package dev.tokensmith.nodes;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A node in {@code /v2/node} answers, in the shape of the Wallarm client library's node structs:
 * times in Unix seconds, the client as {@code clientid}, {@code token} only for those who may hold
 * it.
 */
record NodeView(
    long id,
    String uuid,
    String hostname,
    String type,
    long clientid,
    boolean enabled,
    long createTime,
    String createFrom,
    @JsonInclude(JsonInclude.Include.NON_NULL) String token,
    int instanceCount,
    int activeInstanceCount,
    Long lastActivity,
    boolean active,
    String ip) {

  static NodeView of(NodeService.Shown shown) {
    NodeState s = shown.state();
    Node n = s.node();
    return new NodeView(
        n.id(),
        n.uuid(),
        n.hostname(),
        n.type(),
        n.clientId(),
        true,
        seconds(n.createAt()),
        n.createFrom(),
        shown.token(),
        s.instanceCount(),
        s.activeInstanceCount(),
        s.lastActivity() == null ? null : seconds(s.lastActivity()),
        s.active(),
        s.ip());
  }

  static long seconds(Instant instant) {
    return instant.getEpochSecond();
  }

  // The node token stays out of logs and error messages.
  @Override
  public String toString() {
    return "NodeView[id=" + id + "]";
  }

  /**
   * A node in {@code /v1/objects/node} answers: as in {@code /v2/node} but without the token, and
   * {@code id} is the node's uuid (a string), as that library and the Terraform provider read it.
   */
  record Found(
      String id,
      String hostname,
      String type,
      long clientid,
      boolean enabled,
      long createTime,
      String createFrom,
      int instanceCount,
      int activeInstanceCount,
      Long lastActivity,
      boolean active,
      String ip) {

    static Found of(NodeService.Shown shown) {
      NodeView v = NodeView.of(shown);
      return new Found(
          v.uuid(),
          v.hostname(),
          v.type(),
          v.clientid(),
          v.enabled(),
          v.createTime(),
          v.createFrom(),
          v.instanceCount(),
          v.activeInstanceCount(),
          v.lastActivity(),
          v.active(),
          v.ip());
    }
  }

  /** An instance of a node. */
  record InstanceView(
      String uuid,
      String hostname,
      String ip,
      RegisteredWithView registeredWith,
      long createTime,
      Long lastActivity,
      boolean active) {

    static InstanceView of(NodeService.InstanceState state) {
      Instance i = state.instance();
      return new InstanceView(
          i.uuid(),
          i.hostname(),
          i.ip(),
          new RegisteredWithView(i.registeredWith().id(), i.tokenId()),
          seconds(i.createAt()),
          i.lastActivity() == null ? null : seconds(i.lastActivity()),
          state.active());
    }
  }

  /**
   * What an instance registered with; {@code token_id} is there for an API token that still exists.
   */
  record RegisteredWithView(String type, @JsonInclude(JsonInclude.Include.NON_NULL) Long tokenId) {}

  /** A new node token. */
  record TokenView(String token) {
    @Override
    public String toString() {
      return "TokenView[]";
    }
  }

  /** A registered instance's credential pair, shown this once. */
  record RegisteredView(String uuid, String secret, long nodeId) {
    @Override
    public String toString() {
      return "RegisteredView[node=" + nodeId + "]";
    }
  }

  /** What a sync answers. */
  record SyncView(int configVersion, long nodeId) {}
}
