package dev.tokensmith.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.config.Settings;
import dev.tokensmith.keys.TokenSecrets;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends mail notices over SMTP (Jakarta Mail): a plain-text and an HTML part from the notice's
 * template, the delivery id in the {@code X-Tokensmith-Delivery} header. The mails of one round go
 * through one connection (a new connection per mail costs about twenty times as much). Every
 * connection, read and write gives up after 10 seconds. Used by the outbox worker's one thread.
 */
public final class SmtpSender implements Sender {
  /** The header that carries the delivery id, for the recipient's side to de-duplicate by. */
  public static final String DELIVERY_HEADER = "X-Tokensmith-Delivery";

  private static final String TIMEOUT_MILLIS = "10000";

  private final Session session;
  private final InternetAddress from;
  private final MailTemplates templates = new MailTemplates();
  private final TokenSecrets secrets;
  private final ObjectMapper json;
  private final String publicUrl;
  private final Clock clock;
  private Transport transport;

  public SmtpSender(
      Settings.Smtp smtp, URI publicUrl, TokenSecrets secrets, ObjectMapper json, Clock clock) {
    this.secrets = secrets;
    this.json = json;
    this.clock = clock;
    this.publicUrl = publicUrl.toString().replaceAll("/+$", "");
    try {
      this.from = new InternetAddress(smtp.from(), true);
    } catch (AddressException e) {
      throw new Settings.Invalid("TOKENSMITH_SMTP_FROM is not an e-mail address");
    }
    this.session = Session.getInstance(properties(smtp, publicUrl.getHost()), authenticator(smtp));
  }

  // The name this server gives itself (EHLO, Message-ID) is the public URL's host: looking up the
  // local host's name instead may wait on DNS for every mail.
  private static Properties properties(Settings.Smtp smtp, String ownName) {
    boolean ssl = smtp.tls() == Settings.Smtp.Tls.TLS;
    String p = ssl ? "mail.smtps." : "mail.smtp.";
    Properties props = new Properties();
    props.setProperty("mail.transport.protocol", ssl ? "smtps" : "smtp");
    props.setProperty(p + "host", smtp.host());
    props.setProperty(p + "port", Integer.toString(smtp.port()));
    props.setProperty(p + "connectiontimeout", TIMEOUT_MILLIS);
    props.setProperty(p + "timeout", TIMEOUT_MILLIS);
    props.setProperty(p + "writetimeout", TIMEOUT_MILLIS);
    props.setProperty(p + "auth", Boolean.toString(smtp.user().isPresent()));
    props.setProperty(p + "localhost", ownName);
    props.setProperty("mail.host", ownName);
    if (smtp.tls() == Settings.Smtp.Tls.STARTTLS) {
      // Required, not merely tried: a server that does not offer it is refused, never sent to in
      // the clear.
      props.setProperty(p + "starttls.enable", "true");
      props.setProperty(p + "starttls.required", "true");
    }
    if (smtp.tls() != Settings.Smtp.Tls.NONE) {
      props.setProperty(p + "ssl.checkserveridentity", "true");
      if (!smtp.trusted().isEmpty()) {
        // TOKENSMITH_SMTP_CA_FILE: the server's certificate chains to these, not to the JVM's CAs
        // (the name is still checked). For SMTPS and STARTTLS alike.
        props.put(p + "ssl.socketFactory", trusting(smtp.trusted()));
      }
    }
    return props;
  }

  private static SSLSocketFactory trusting(List<X509Certificate> certificates) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("smtp-ca-" + i, certificates.get(i));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the SMTP trust store cannot be built", e);
    }
  }

  private static Authenticator authenticator(Settings.Smtp smtp) {
    if (smtp.user().isEmpty()) {
      return null;
    }
    PasswordAuthentication login =
        new PasswordAuthentication(smtp.user().get(), smtp.password().orElse(""));
    return new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return login;
      }
    };
  }

  @Override
  public Notice.Kind kind() {
    return Notice.Kind.MAIL;
  }

  @Override
  public void send(Notice notice) throws Failure {
    MimeMessage message = message(notice);
    try {
      message.saveChanges();
      boolean reused = transport != null && transport.isConnected();
      try {
        connected().sendMessage(message, message.getAllRecipients());
      } catch (SendFailedException e) {
        throw e;
      } catch (MessagingException e) {
        // A connection kept from an earlier mail may have been closed by the server meanwhile.
        endRound();
        if (!reused) {
          throw e;
        }
        connected().sendMessage(message, message.getAllRecipients());
      }
    } catch (SendFailedException e) {
      endRound();
      // The server refused the recipient for good (5xx): no retry will change that.
      boolean refused =
          e.getInvalidAddresses() != null
              && e.getInvalidAddresses().length > 0
              && (e.getValidUnsentAddresses() == null || e.getValidUnsentAddresses().length == 0);
      throw new Failure("the mail server refused it: " + firstLine(e), refused);
    } catch (MessagingException e) {
      endRound();
      throw Failure.retryable("the mail server could not be reached or failed: " + firstLine(e));
    }
  }

  private Transport connected() throws MessagingException {
    if (transport == null || !transport.isConnected()) {
      transport = session.getTransport();
      transport.connect();
    }
    return transport;
  }

  /** Closes the round's connection, if one is open. */
  @Override
  public void endRound() {
    if (transport != null) {
      try {
        transport.close();
      } catch (MessagingException e) {
        // Closing is a courtesy (QUIT): the connection is dropped either way.
      }
      transport = null;
    }
  }

  private MimeMessage message(Notice notice) throws Failure {
    MailTemplates.Rendered mail;
    try {
      Mailer.Payload payload = json.readValue(notice.payload(), Mailer.Payload.class);
      Map<String, String> params = new HashMap<>(payload.params());
      payload
          .sealed()
          .forEach((name, value) -> params.put(name, secrets.openNotice(value, notice.id())));
      params.putIfAbsent("console_url", publicUrl + "/console/");
      params.put("delivery_id", notice.id());
      mail = templates.render(MailTemplate.of(payload.template()), params);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw Failure.permanent("the notice cannot be read: " + e.getClass().getSimpleName());
    }
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(from);
      message.setRecipient(
          jakarta.mail.Message.RecipientType.TO, new InternetAddress(notice.recipient(), true));
      message.setSubject(mail.subject(), "UTF-8");
      message.setSentDate(Date.from(clock.instant()));
      message.setHeader(DELIVERY_HEADER, notice.id());
      MimeBodyPart text = new MimeBodyPart();
      text.setText(mail.text(), "UTF-8", "plain");
      MimeBodyPart html = new MimeBodyPart();
      html.setText(mail.html(), "UTF-8", "html");
      MimeMultipart alternative = new MimeMultipart("alternative");
      alternative.addBodyPart(text);
      alternative.addBodyPart(html);
      message.setContent(alternative);
      return message;
    } catch (AddressException e) {
      throw Failure.permanent("not an e-mail address");
    } catch (MessagingException e) {
      throw Failure.permanent("the mail could not be built: " + firstLine(e));
    }
  }

  // The server's answer or the library's reason, on one line; it names no secret (the message's
  // content never appears in it).
  private static String firstLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }
}
