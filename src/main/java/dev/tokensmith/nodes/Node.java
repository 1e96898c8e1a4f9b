package dev.tokensmith.nodes;

import java.time.Instant;

/**
 * A node as stored: a named deployment target of a client, with the node token its instances
 * register with. {@code tokenSealed} is null when the client keeps no copy of secrets ({@code
 * show_once}); {@code tokenGeneration} counts the token's regenerations (an instance registered
 * with an older one no longer syncs) and is the node's configuration version.
 *
 * @param createFrom the address the node was created from; null when unknown
 */
record Node(
    long id,
    String uuid,
    long clientId,
    String hostname,
    String type,
    Instant createAt,
    String createFrom,
    String tokenSealed,
    String tokenHint,
    int tokenGeneration,
    Instant tokenGeneratedAt) {

  /** The type a node gets when the request names none. */
  static final String DEFAULT_TYPE = "cloud_node";

  /** The same node with its id (after the insert). */
  Node withId(long newId) {
    return new Node(
        newId,
        uuid,
        clientId,
        hostname,
        type,
        createAt,
        createFrom,
        tokenSealed,
        tokenHint,
        tokenGeneration,
        tokenGeneratedAt);
  }

  /** The same node with its token sealed for storage (null: the client keeps no copy). */
  Node withSealedToken(String ciphertext) {
    return new Node(
        id,
        uuid,
        clientId,
        hostname,
        type,
        createAt,
        createFrom,
        ciphertext,
        tokenHint,
        tokenGeneration,
        tokenGeneratedAt);
  }

  /** The same node with a new token: sealed (or null), its hint, the next generation. */
  Node withToken(String ciphertext, String hint, Instant generatedAt) {
    return new Node(
        id,
        uuid,
        clientId,
        hostname,
        type,
        createAt,
        createFrom,
        ciphertext,
        hint,
        tokenGeneration + 1,
        generatedAt);
  }
}
