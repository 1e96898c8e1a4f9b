package dev.tokensmith.clients;

/** A client on the wire (section 4.4). */
record ClientView(
    long id,
    String uuid,
    String name,
    String vulnPrefix,
    boolean enabled,
    Long partnerid,
    boolean showOnce,
    Integer maxTokens) {

  static ClientView of(Client c) {
    return new ClientView(
        c.id(),
        c.uuid(),
        c.name(),
        c.vulnPrefix(),
        c.enabled(),
        c.partnerId(),
        c.showOnce(),
        c.maxTokens());
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
