package dev.tokensmith.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Who the caller is, on the wire ({@code /v1/user}, and the answer to a login with its CSRF token).
 * Fields that do not apply are left out, not written as null: the user's own fields when a shared
 * token's creator has been deleted, the partner outside a technical tenant, the token for a
 * session.
 *
 * @param id the user's id, or the shared token's creator id when that user is gone
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Identity(
    long id,
    String uuid,
    long clientId,
    String clientName,
    String email,
    String realname,
    String role,
    List<String> permissions,
    List<String> actualPermissions,
    Boolean enabled,
    String sso,
    Boolean apiAccess,
    Long partnerid,
    String partnerUuid,
    CallingToken apiToken,
    String csrfToken) {

  /**
   * The client once more as {@code clientid}, the name the Wallarm client library and Terraform
   * provider read it by.
   */
  @JsonProperty("clientid")
  public long clientid() {
    return clientId;
  }

  /** The token a request was made with. */
  public record CallingToken(long id, boolean shared, String usage) {}

  /** The same identity with the CSRF token a new login hands the browser once. */
  Identity withCsrfToken(String token) {
    return new Identity(
        id,
        uuid,
        clientId,
        clientName,
        email,
        realname,
        role,
        permissions,
        actualPermissions,
        enabled,
        sso,
        apiAccess,
        partnerid,
        partnerUuid,
        apiToken,
        token);
  }

  // The CSRF token stays out of logs and error messages.
  @Override
  public String toString() {
    return "Identity[id=" + id + ", client_id=" + clientId + "]";
  }
}
