package dev.tokensmith.nodes;

import java.util.List;
import java.util.Optional;

/** Storage of nodes, their node tokens' digests, and their instances. */
interface NodeStore {

  /** Inserts a node whose current node token has {@code tokenDigest}; returns its id. */
  long insert(Node node, String tokenDigest);

  /**
   * Writes what a change made of a node's token: the new digest, seal, hint and generation (the
   * seal of a new node too, once its id is known).
   */
  void updateToken(Node after, String tokenDigest);

  Optional<Node> find(long id);

  /** The node, its row locked until the transaction ends; or empty. */
  Optional<Node> lock(long id);

  /** The node whose current node token has this digest, its row locked; or empty. */
  Optional<Node> lockByTokenDigest(String tokenDigest);

  /** The client's node of this hostname, or empty. */
  Optional<Node> findByHostname(long clientId, String hostname);

  /** The client's node of this hostname, its row locked; or empty. */
  Optional<Node> lockByHostname(long clientId, String hostname);

  /**
   * The nodes a query asks for, with their instances' counts and last sync; an instance is active
   * when it synced after {@code activeAfterMillis}.
   */
  List<NodeState> list(NodeQuery query, long activeAfterMillis);

  /** One node with its instances' counts and last sync, or empty. */
  Optional<NodeState> state(long id, long activeAfterMillis);

  /** Deletes a node and its instances. */
  void delete(long id);

  /** Inserts an instance; returns its id. */
  long insertInstance(Instance instance);

  /** A node's instances, ordered by id. */
  List<Instance> instances(long nodeId);

  /** An instance by its uuid, with what its node says now; or empty. */
  Optional<InstanceMatch> findInstance(String uuid);

  /**
   * An instance and its node's client and current node token generation.
   *
   * @param nodeTokenGeneration the node's current token generation
   */
  record InstanceMatch(Instance instance, long clientId, int nodeTokenGeneration) {}

  /** Writes last-sync times and addresses in one batch. */
  void recordSyncs(List<InstanceActivity.Sync> syncs);
}
