package dev.tokensmith.clients;

import dev.tokensmith.storage.Window;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Storage of clients and partners. */
interface ClientStore {

  Optional<Client> find(long id);

  /** The client, its row locked until the transaction ends; or empty. */
  Optional<Client> lock(long id);

  /**
   * Clients of a partner (its technical tenant included), ordered by id; all of them when ids is
   * empty.
   */
  /**
   * A partner's clients by id; those of {@code ids} when it is not empty; without the technical
   * client when {@code tenantsOnly}.
   */
  List<Client> listByPartner(
      long partnerId, Collection<Long> ids, boolean tenantsOnly, Window window);

  long insert(
      String uuid,
      String name,
      String vulnPrefix,
      boolean enabled,
      Long partnerId,
      long createAtMillis);

  /**
   * Writes a client's changeable values (name, state, settings, token policy) as {@code after} has
   * them.
   */
  void update(Client after);

  long insertPartner(String uuid, String name);

  void setTechnicalClient(long partnerId, long clientId);

  Optional<Partner> findPartner(long id);

  boolean anyPartner();

  /** True when some client has this {@code vuln_prefix}. */
  boolean prefixTaken(String vulnPrefix);
}
