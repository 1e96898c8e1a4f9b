package dev.tokensmith.webhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST to an address already checked: the connection goes to exactly that address
 * (never a second lookup of the name, which could answer otherwise), while the {@code Host} header,
 * TLS server name and certificate check use the URL's host. Redirects are not followed (a 3xx is an
 * answer like any other); the whole exchange is bounded by the timeout. Not final: the sender's
 * tests replace the network.
 */
class WebhookPost {
  private static final int MAX_STATUS_LINE = 1024;

  private final Duration timeout;
  private final SSLSocketFactory tls;

  WebhookPost(Duration timeout, SSLSocketFactory tls) {
    this.timeout = timeout;
    this.tls = tls;
  }

  /** Posts {@code body} and returns the answer's status code. */
  int post(
      AddressPolicy.Target target, InetAddress address, Map<String, String> headers, byte[] body)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(address, target.port()), (int) timeout.toMillis());
      Socket socket = plain;
      if (target.tls()) {
        SSLSocket secure = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
        SSLParameters params = secure.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!target.host().contains(":") && !target.host().matches("[0-9.]+")) {
          params.setServerNames(java.util.List.of(new SNIHostName(target.host())));
        }
        secure.setSSLParameters(params);
        socket = secure;
      }
      socket.setSoTimeout(remaining(deadline));
      OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder();
      head.append("POST ").append(target.pathAndQuery()).append(" HTTP/1.1\r\n");
      head.append("Host: ").append(hostHeader(target)).append("\r\n");
      head.append("Content-Type: application/json\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n");
      head.append("Connection: close\r\n");
      head.append("User-Agent: Tokensmith-Webhooks\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      socket.setSoTimeout(remaining(deadline));
      return status(socket.getInputStream(), deadline, socket);
    } finally {
      plain.close();
    }
  }

  private static int status(InputStream in, long deadline, Socket socket) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (line.size() < MAX_STATUS_LINE) {
      socket.setSoTimeout(remaining(deadline));
      int c = in.read();
      if (c == -1 || c == '\n') {
        break;
      }
      line.write(c);
    }
    String text = line.toString(StandardCharsets.US_ASCII).trim();
    String[] parts = text.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[1-5][0-9]{2}")) {
      throw new IOException("not an HTTP answer");
    }
    return Integer.parseInt(parts[1]);
  }

  private static int remaining(long deadline) throws SocketTimeoutException {
    long millis = (deadline - System.nanoTime()) / 1_000_000;
    if (millis <= 0) {
      throw new SocketTimeoutException("timed out");
    }
    return (int) millis;
  }

  private static String hostHeader(AddressPolicy.Target target) {
    String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
    boolean standard = target.port() == (target.tls() ? 443 : 80);
    return standard ? host : host + ":" + target.port();
  }
}
