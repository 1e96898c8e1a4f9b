package dev.tokensmith.nodes;

import java.time.Instant;

/**
 * A node with what its instances say about it now.
 *
 * @param activeInstanceCount instances that synced within the active window
 * @param lastActivity the latest sync of any instance; null when none has synced
 * @param ip the address of the instance that synced last; null when none has
 */
record NodeState(
    Node node, int instanceCount, int activeInstanceCount, Instant lastActivity, String ip) {

  /** A node is active while any of its instances is. */
  boolean active() {
    return activeInstanceCount > 0;
  }
}
