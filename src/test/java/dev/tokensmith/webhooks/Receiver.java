package dev.tokensmith.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A webhook receiver on a random loopback port: records every request by path, and answers each
 * path with the statuses scripted for it, in turn (then 200). {@code /redirect} answers 302 to
 * {@code /target}.
 */
public final class Receiver implements AutoCloseable {
  /** One request as received. */
  public record Received(String path, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();

  public Receiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Map<String, String> headers = new ConcurrentHashMap<>();
          exchange
              .getRequestHeaders()
              .forEach(
                  (name, values) ->
                      headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
          String path = exchange.getRequestURI().getPath();
          synchronized (received) {
            received.add(new Received(path, headers, body));
          }
          int status;
          if (path.equals("/redirect")) {
            exchange.getResponseHeaders().add("Location", url("/target"));
            status = 302;
          } else {
            Deque<Integer> script = scripts.get(path);
            Integer next = script == null ? null : script.poll();
            status = next == null ? 200 : next;
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next answers to {@code path}, in turn; after them, 200. */
  public void script(String path, Integer... statuses) {
    scripts.put(path, new ArrayDeque<>(List.of(statuses)));
  }

  public List<Received> received(String path) {
    synchronized (received) {
      return received.stream().filter(r -> r.path().equals(path)).toList();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
