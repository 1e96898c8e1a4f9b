package dev.tokensmith.clients;

/**
 * A client on the wire, in the shape the Wallarm client library and Terraform provider decode: the
 * partner as {@code partnerid} and {@code partner_uuid} (both null for a stand-alone company). The
 * token policy's fields are Tokensmith's own, beside the Wallarm ones (its clients ignore them).
 */
record ClientView(
    long id,
    String uuid,
    String name,
    String vulnPrefix,
    boolean enabled,
    Long partnerid,
    String partnerUuid,
    boolean showOnce,
    Integer maxTokens,
    Integer tokenMaxLifetimeDays,
    Integer tokenDefaultLifetimeDays,
    boolean sharedTokensRequireAllowedIps) {

  static ClientView of(Client c) {
    return new ClientView(
        c.id(),
        c.uuid(),
        c.name(),
        c.vulnPrefix(),
        c.enabled(),
        c.partnerId(),
        c.partnerUuid(),
        c.showOnce(),
        c.maxTokens(),
        c.tokenPolicy().maxLifetimeDays(),
        c.tokenPolicy().defaultLifetimeDays(),
        c.tokenPolicy().sharedRequireAllowedIps());
  }

  /**
   * A partner's tenant as {@code /v2/partner_client} lists it: the link, and the client as {@code
   * params}.
   */
  record Link(long id, Long partnerid, long clientid, ClientView params) {
    static Link of(Client c) {
      return new Link(c.id(), c.partnerId(), c.id(), ClientView.of(c));
    }
  }
}
