package dev.tokensmith.clients;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.NOT_ALLOWED;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.storage.Window;
import java.util.List;

/**
 * Tenants as global users manage them (section 4.4): the permission is checked in the caller's own
 * client (the partner's technical tenant), and only the caller's partner's clients are ever
 * reached. The data rules are {@link ClientService}'s, which {@link Access} itself reads clients
 * through (so the checks live here, beside it, not in it).
 */
public final class TenantService {
  private final ClientService clients;
  private final Access access;

  public TenantService(ClientService clients, Access access) {
    this.clients = clients;
    this.access = access;
  }

  /**
   * What an update changes; null fields stay as they are ({@code maxTokensGiven} tells a null limit
   * apart, and so do the two lifetimes' {@code Given}).
   */
  public record Changes(
      String name,
      Boolean enabled,
      Boolean showOnce,
      boolean maxTokensGiven,
      Integer maxTokens,
      boolean maxLifetimeGiven,
      Integer maxLifetimeDays,
      boolean defaultLifetimeGiven,
      Integer defaultLifetimeDays,
      Boolean sharedRequireAllowedIps) {

    /** Only the client's name, state and secret settings (no token policy change). */
    public Changes(
        String name, Boolean enabled, Boolean showOnce, boolean maxTokensGiven, Integer maxTokens) {
      this(name, enabled, showOnce, maxTokensGiven, maxTokens, false, null, false, null, null);
    }

    TokenPolicy applyTo(TokenPolicy before) {
      TokenPolicy after =
          new TokenPolicy(
              maxLifetimeGiven ? maxLifetimeDays : before.maxLifetimeDays(),
              defaultLifetimeGiven ? defaultLifetimeDays : before.defaultLifetimeDays(),
              sharedRequireAllowedIps != null
                  ? sharedRequireAllowedIps
                  : before.sharedRequireAllowedIps());
      if (after.maxLifetimeDays() != null
          && after.defaultLifetimeDays() != null
          && after.defaultLifetimeDays() > after.maxLifetimeDays()) {
        // Named by the field the request changed (the default when it changed both).
        String field =
            defaultLifetimeGiven || !maxLifetimeGiven
                ? "token_default_lifetime_days"
                : "token_max_lifetime_days";
        Object value =
            field.equals("token_default_lifetime_days")
                ? after.defaultLifetimeDays()
                : after.maxLifetimeDays();
        throw ValidationException.of(field, INVALID, value);
      }
      return after;
    }
  }

  /**
   * Creates a tenant of the caller's partner; 403 unless {@code partnerUuid} names that partner. A
   * null {@code vulnPrefix} gets a free one.
   */
  public Client create(Caller caller, String partnerUuid, String name, String vulnPrefix) {
    Partner partner = partnerOf(caller, "clients:create");
    if (!partner.uuid().equals(partnerUuid)) {
      throw ServiceException.forbidden();
    }
    return clients.createTenant(partner.id(), name, vulnPrefix, caller.origin());
  }

  /** The caller's partner's clients, ordered by id; all of them when {@code ids} is empty. */
  public List<Client> list(Caller caller, List<Long> ids, Window window) {
    Partner partner = partnerOf(caller, "clients:view");
    return clients.listByPartner(partner.id(), ids, false, window);
  }

  /**
   * The caller's partner's tenants (its technical client left out); 403 for another partner's id.
   */
  public List<Client> partnerClients(Caller caller, Long partnerId, Window window) {
    Partner partner = partnerOf(caller, "clients:view");
    if (partnerId != null && partnerId != partner.id()) {
      throw ServiceException.forbidden();
    }
    return clients.listByPartner(partner.id(), List.of(), true, window);
  }

  /** Changes a client of the caller's partner; 404 for any other client. */
  public Client update(Caller caller, long id, Changes changes) {
    Partner partner = partnerOf(caller, "clients:update");
    return clients.update(
        id,
        before -> {
          if (before.partnerId() == null || before.partnerId() != partner.id()) {
            throw ServiceException.notFound();
          }
          if (Boolean.FALSE.equals(changes.enabled()) && before.technical()) {
            // Disabling the technical tenant would lock out every global user, the caller first.
            throw ValidationException.of("enabled", NOT_ALLOWED, false);
          }
          return before.with(
              changes.name() != null ? changes.name() : before.name(),
              changes.enabled() != null ? changes.enabled() : before.enabled(),
              changes.showOnce() != null ? changes.showOnce() : before.showOnce(),
              changes.maxTokensGiven() ? changes.maxTokens() : before.maxTokens(),
              changes.applyTo(before.tokenPolicy()));
        },
        caller.origin());
  }

  /**
   * The caller's partner, once the caller holds {@code permission} in their own (technical) client.
   */
  private Partner partnerOf(Caller caller, String permission) {
    Account home = caller.homeClient();
    access.require(caller, home, permission);
    if (!home.technical() || home.partnerId() == null) {
      throw ServiceException.forbidden();
    }
    return clients.findPartner(home.partnerId()).orElseThrow(ServiceException::forbidden);
  }
}
