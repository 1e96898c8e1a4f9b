package dev.tokensmith.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real SMTP server (GreenMail) on a fixed free port of 127.0.0.1, that a test can stop (the port
 * then refuses connections, as a mail server that is down) and start again, and the settings that
 * point a Tokensmith server at it.
 */
public final class MailServer implements AutoCloseable {
  public static final String FROM = "Tokensmith <tokens@example.com>";
  public static final String PUBLIC_URL = "http://tokens.example.test";

  private final int port;
  private GreenMail greenMail;

  private MailServer(int port) {
    this.port = port;
  }

  /** A running server on a free port. */
  public static MailServer start() {
    MailServer server = new MailServer(freePort());
    server.up();
    return server;
  }

  /** The settings that send a Tokensmith server's e-mail here. */
  public Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("TOKENSMITH_SMTP_HOST", "127.0.0.1");
    settings.put("TOKENSMITH_SMTP_PORT", Integer.toString(port));
    settings.put("TOKENSMITH_SMTP_TLS", "none");
    settings.put("TOKENSMITH_SMTP_FROM", FROM);
    settings.put("TOKENSMITH_PUBLIC_URL", PUBLIC_URL);
    return settings;
  }

  /** Starts taking mail (again); mail received before a stop is forgotten. */
  public synchronized void up() {
    if (greenMail == null) {
      greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      greenMail.start();
    }
  }

  /** Stops: connections to the port are refused. */
  public synchronized void down() {
    if (greenMail != null) {
      greenMail.stop();
      greenMail = null;
    }
  }

  /** Every message received since the last start, in arrival order. */
  public synchronized List<Mail> received() {
    List<Mail> mails = new ArrayList<>();
    if (greenMail != null) {
      for (MimeMessage message : greenMail.getReceivedMessages()) {
        mails.add(Mail.of(message));
      }
    }
    return mails;
  }

  /** Forgets the messages received so far. */
  public synchronized void clear() {
    if (greenMail != null) {
      try {
        greenMail.purgeEmailFromAllMailboxes();
      } catch (com.icegreen.greenmail.store.FolderException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Waits (bounded by {@code millis}) until {@code count} messages have arrived. */
  public boolean await(int count, long millis) {
    GreenMail current;
    synchronized (this) {
      current = greenMail;
    }
    return current != null && current.waitForIncomingEmail(millis, count);
  }

  @Override
  public void close() {
    down();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A received message, read whole. */
  public record Mail(
      List<String> to, String from, String subject, String deliveryId, String text, String html) {

    static Mail of(MimeMessage message) {
      try {
        List<String> to = new ArrayList<>();
        for (var address : message.getRecipients(Message.RecipientType.TO)) {
          to.add(address.toString());
        }
        Map<String, String> parts = new HashMap<>();
        collect(message, parts);
        String[] delivery = message.getHeader("X-Tokensmith-Delivery");
        return new Mail(
            to,
            message.getFrom()[0].toString(),
            message.getSubject(),
            delivery == null ? null : delivery[0],
            parts.get("text/plain"),
            parts.get("text/html"));
      } catch (MessagingException | IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private static void collect(Part part, Map<String, String> parts)
        throws MessagingException, IOException {
      if (part.isMimeType("multipart/*")) {
        Multipart multipart = (Multipart) part.getContent();
        for (int i = 0; i < multipart.getCount(); i++) {
          collect(multipart.getBodyPart(i), parts);
        }
      } else if (part.isMimeType("text/plain")) {
        parts.put("text/plain", (String) part.getContent());
      } else if (part.isMimeType("text/html")) {
        parts.put("text/html", (String) part.getContent());
      }
    }

    /** The whole of it, for checks that something appears nowhere. */
    public String all() {
      return String.join("\n", String.join(",", to), from, subject, text, html);
    }
  }
}
