package dev.tokensmith.tokens;

import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.notify.MailTemplate;
import dev.tokensmith.notify.Mailer;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserDirectory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A mail about one token to the people it concerns — its owner, or for a shared token every enabled
 * administrator of its client — queued in the caller's transaction. It names the token by its name,
 * id and secret hint, never by its secret.
 */
final class TokenMail {
  private static final DateTimeFormatter MAIL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final UserDirectory directory;
  private final ClientService clients;
  private final Mailer mailer;

  TokenMail(UserDirectory directory, ClientService clients, Mailer mailer) {
    this.directory = directory;
    this.clients = clients;
    this.mailer = mailer;
  }

  /**
   * Mails {@code template} about {@code token}, with {@code time} in the field {@code timeField}.
   */
  void send(ApiToken token, MailTemplate template, String timeField, Instant time) {
    List<User> recipients =
        token.shared()
            ? directory.admins(token.clientId())
            : directory.find(token.userId()).filter(User::enabled).stream().toList();
    String clientName = clients.find(token.clientId()).map(Client::name).orElse("your account");
    for (User user : recipients) {
      mailer.send(
          user.email(),
          template,
          token.clientId(),
          Map.of(
              "name",
              Objects.requireNonNullElse(user.realname(), user.email()),
              "token_name",
              token.realname(),
              "token_kind",
              token.shared() ? "shared" : "personal",
              "token_id",
              Long.toString(token.id()),
              "secret_hint",
              token.secretHint(),
              "client_name",
              clientName,
              timeField,
              MAIL_TIME.format(time)),
          Map.of());
    }
  }
}
