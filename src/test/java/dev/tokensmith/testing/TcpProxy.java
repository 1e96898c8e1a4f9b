package dev.tokensmith.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy a test can cut, blackhole and restore, to take a database away from a server
 * and give it back. Cut: every open connection is closed and new ones are refused at once (the peer
 * is gone and says so). Blackhole: connections, open and new, stay open but nothing is forwarded
 * either way (a network partition that drops packets); on restore, what was held back is delivered,
 * as TCP does once a short partition heals.
 */
public final class TcpProxy implements AutoCloseable {
  private final int targetPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Object flow = new Object();
  private volatile boolean cut;
  private volatile boolean blackholed;
  private volatile boolean running = true;

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Closes every connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
    wakeUp();
  }

  /**
   * Forwards nothing, on open and new connections alike, and closes none, until {@link #restore()}.
   */
  public void blackhole() {
    blackholed = true;
  }

  /** Forwards again (and accepts again after a cut). */
  public void restore() {
    cut = false;
    blackholed = false;
    wakeUp();
  }

  private void wakeUp() {
    synchronized (flow) {
      flow.notifyAll();
    }
  }

  /** Waits while blackholed; false when the proxy was cut or closed meanwhile. */
  private boolean awaitFlow() {
    synchronized (flow) {
      while (blackholed && !cut && running) {
        try {
          flow.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return !cut && running;
  }

  private void accept() {
    while (running) {
      try {
        Socket client = server.accept();
        if (cut) {
          closeQuietly(client);
          continue;
        }
        open.add(client);
        daemon("tcp-proxy-connect", () -> connect(client));
      } catch (IOException e) {
        if (!running) {
          return;
        }
      }
    }
  }

  /** Reaches the target for an accepted client, once traffic flows (a blackholed one waits). */
  private void connect(Socket client) {
    if (!awaitFlow()) {
      closeQuietly(client);
      open.remove(client);
      return;
    }
    try {
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      open.add(upstream);
      daemon("tcp-proxy-pipe", () -> pipe(client, upstream));
      daemon("tcp-proxy-pipe", () -> pipe(upstream, client));
    } catch (IOException e) {
      closeQuietly(client);
      open.remove(client);
    }
  }

  private void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!awaitFlow()) {
          return;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the other side closed, or the proxy was cut
    } finally {
      awaitFlow(); // a close is not forwarded through a blackhole either
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void daemon(String name, Runnable work) {
    Thread thread = new Thread(work, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    running = false;
    cut();
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
