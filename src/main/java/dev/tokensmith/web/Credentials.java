package dev.tokensmith.web;

/**
 * The credentials a request carries, as the web layer found them (null = absent). Never logged:
 * {@link #toString()} says only which kinds are present.
 *
 * @param token from {@code X-WallarmApi-Token} or {@code Authorization: Bearer}
 * @param stateChanging true for methods other than GET and HEAD (they need the CSRF header with a
 *     session)
 */
public record Credentials(
    String token,
    String legacyUuid,
    String legacySecret,
    String sessionCookie,
    String csrfHeader,
    boolean stateChanging,
    String ip) {

  @Override
  public String toString() {
    return "Credentials[token="
        + (token != null)
        + ", legacy="
        + (legacyUuid != null)
        + ", session="
        + (sessionCookie != null)
        + ", ip="
        + ip
        + "]";
  }
}
