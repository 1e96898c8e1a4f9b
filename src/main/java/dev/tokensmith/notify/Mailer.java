package dev.tokensmith.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.access.Access;
import dev.tokensmith.access.Caller;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.keys.TokenSecrets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Queues e-mails in the outbox, when e-mail is on (an SMTP server is configured). A mail is a
 * template and its parameters; a parameter that is a secret for its recipient alone (a one-time
 * link) is sealed under the master key, bound to the notice, and opened only to send it. A
 * parameter that holds a token's secret (pasted into a name) is blanked: no mail carries one.
 */
public final class Mailer {
  /** What the payload of a mail notice holds. */
  record Payload(String template, Map<String, String> params, Map<String, String> sealed) {}

  private final Outbox outbox;
  private final TokenSecrets secrets;
  private final ObjectMapper json;
  private final Access access;
  private final Optional<String> from;

  /**
   * @param from the sender address when e-mail is on; empty: e-mail is off, and nothing is queued
   */
  public Mailer(
      Outbox outbox,
      TokenSecrets secrets,
      ObjectMapper json,
      Access access,
      Optional<String> from) {
    this.outbox = outbox;
    this.secrets = secrets;
    this.json = json;
    this.access = access;
    this.from = from;
  }

  /** Whether e-mail is on. */
  public boolean on() {
    return from.isPresent();
  }

  /**
   * Queues an e-mail to {@code to}; call inside the transaction of the change it tells of. Returns
   * false, queuing nothing, when e-mail is off.
   *
   * @param sealed parameters only the recipient may read (a one-time link), kept encrypted
   */
  public boolean send(
      String to,
      MailTemplate template,
      Long clientId,
      Map<String, String> params,
      Map<String, String> sealed) {
    if (!on()) {
      return false;
    }
    String id = outbox.newId();
    Map<String, String> clear = new LinkedHashMap<>();
    params.forEach(
        (name, value) ->
            clear.put(name, TokenSecrets.containsSecret(value) ? "[secret removed]" : value));
    Map<String, String> closed = new LinkedHashMap<>();
    sealed.forEach((name, value) -> closed.put(name, secrets.sealNotice(value, id)));
    String payload;
    try {
      payload = json.writeValueAsString(new Payload(template.id(), clear, closed));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a mail's payload could not be written", e);
    }
    outbox.enqueue(id, Notice.Kind.MAIL, to, template.id(), clientId, payload);
    return true;
  }

  /** Whether e-mail is on, and its sender; for administrators (the Console's Settings). */
  public record Status(boolean enabled, String from) {}

  /** The e-mail status; 403 unless the caller administers their client. */
  public Status status(Caller caller) {
    if (!access.administers(caller, caller.homeClient())) {
      throw ServiceException.forbidden();
    }
    return new Status(on(), from.orElse(null));
  }
}
