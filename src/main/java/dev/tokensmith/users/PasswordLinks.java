package dev.tokensmith.users;

import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.notify.MailTemplate;
import dev.tokensmith.notify.Mailer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One-time links to set a password: an invitation (a user created without a password, or sent one
 * by an administrator) or a reset (the command line). The code is 256 random bits shown once, in
 * the link; the database keeps only its keyed digest, as for session cookies. A user has at most
 * one link: a new one replaces the one before. When e-mail is on, the link goes to the user by
 * e-mail (through the outbox, sealed) instead of being shown.
 */
public final class PasswordLinks {
  /** How long a link works. */
  public static final Duration LIFETIME = Duration.ofHours(72);

  /** Where the Console's page that takes the code lives. */
  public static final String PAGE = "/console/set-password";

  // A code as generateSessionValue makes it: 32 bytes, base64url without padding.
  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{43}");

  /** Whether a link can be used, or why not. */
  public enum State {
    USABLE,
    UNKNOWN,
    EXPIRED,
    USED
  }

  private static final DateTimeFormatter MAIL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final PasswordLinkStore store;
  private final TokenSecrets secrets;
  private final ActivityLog activity;
  private final Mailer mailer;
  private final Clock clock;
  private final String prefix;

  /**
   * @param publicUrl the address users reach the server at; without it, links are relative
   */
  public PasswordLinks(
      PasswordLinkStore store,
      TokenSecrets secrets,
      ActivityLog activity,
      Mailer mailer,
      Clock clock,
      Optional<URI> publicUrl) {
    this.store = store;
    this.secrets = secrets;
    this.activity = activity;
    this.mailer = mailer;
    this.clock = clock;
    this.prefix =
        publicUrl.map(url -> url.toString().replaceAll("/+$", "")).orElse("") + PAGE + "?code=";
  }

  /**
   * Issues a new link for {@code user} in place of any earlier one and records it (never the code).
   * When e-mail is on, the link is mailed to the user and the answer is empty; otherwise it is the
   * link's URL, to be shown once. Call inside the change's transaction, the user's row locked: the
   * mail is queued with it.
   */
  Optional<String> issue(User user, Origin origin) {
    String url = issueToShow(user, origin);
    if (!mailer.on()) {
      return Optional.of(url);
    }
    Instant expireAt = clock.instant().plus(LIFETIME).truncatedTo(ChronoUnit.MINUTES);
    mailer.send(
        user.email(),
        MailTemplate.PASSWORD_LINK,
        user.clientId(),
        Map.of(
            "name", Objects.requireNonNullElse(user.realname(), user.email()),
            "email", user.email(),
            "expire_at", MAIL_TIME.format(expireAt)),
        Map.of("link", url));
    return Optional.empty();
  }

  /**
   * The same, always shown and never mailed (the command line prints it to the operator who asked
   * for it).
   */
  String issueToShow(User user, Origin origin) {
    String code = secrets.generateSessionValue();
    Instant now = clock.instant();
    Instant expireAt = now.plus(LIFETIME);
    store.replace(new PasswordLink(user.id(), secrets.digest(code), now, expireAt, null));
    activity.record(
        origin,
        user.clientId(),
        "user",
        user.id(),
        user.email(),
        "invite",
        ActivityLog.changes().put("link_expire_at", null, expireAt).map());
    return prefix + code;
  }

  /** The link of a code as typed; empty when the code is malformed or unknown. */
  Optional<PasswordLink> find(String code) {
    return digests(code).stream().map(store::find).flatMap(Optional::stream).findFirst();
  }

  /** The same, its row locked until the transaction ends. */
  Optional<PasswordLink> lock(String code) {
    return digests(code).stream().map(store::lock).flatMap(Optional::stream).findFirst();
  }

  // Under each pepper held (a link made before a pepper rotation still opens); none if malformed.
  private java.util.List<String> digests(String code) {
    return code != null && CODE.matcher(code).matches()
        ? secrets.lookupDigests(code)
        : java.util.List.of();
  }

  /** Whether the link can still be used, or why not. */
  State state(PasswordLink link) {
    if (link.usedAt() != null) {
      return State.USED;
    }
    return clock.instant().isBefore(link.expireAt()) ? State.USABLE : State.EXPIRED;
  }

  /** Marks a link used (inside the transaction that sets the password). */
  void markUsed(PasswordLink link) {
    store.markUsed(link.userId(), clock.millis());
  }

  /** Takes back a user's link, if they have one (their password was changed another way). */
  void revoke(long userId) {
    store.remove(userId);
  }
}
