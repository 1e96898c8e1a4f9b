package dev.tokensmith.audit;

/**
 * Where a change came from, as the activity log records it.
 *
 * @param source ui, api_token, node or system
 * @param ip the caller's address; null for the system
 */
public record Origin(Actor actor, String source, String ip) {

  public static final Origin SYSTEM = new Origin(Actor.SYSTEM, "system", null);
}
