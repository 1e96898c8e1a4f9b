package dev.tokensmith.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every instance that something verification depends on has changed (a token, a user, a
 * client, a node), so caches drop it. A change is announced inside the writing transaction: on this
 * instance the listeners run right after commit; on PostgreSQL a {@code NOTIFY} in the same
 * transaction reaches every other instance's {@code LISTEN} connection when it commits, and never
 * when it rolls back. While the listening connection is lost, caches keep what they have (so cached
 * tokens still verify during a database outage) and their short lifetime bounds how stale they can
 * get; once it is back, listeners are told to forget everything ({@link Change#ALL}), since
 * notifications may have been missed in between. A database that goes silent (a partition that
 * drops packets rather than resetting the connection) counts as lost once a tiny query on the
 * listening connection has had no answer for a little over the database timeout (its read bound).
 */
public final class ChangeFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
  private static final String CHANNEL = "tokensmith_changes";

  /** What changed. */
  public enum Kind {
    TOKEN,
    USER,
    CLIENT,
    NODE,
    ALL
  }

  /** A change of one object ({@code id} is 0 for {@link Kind#ALL}). */
  public record Change(Kind kind, long id) {
    public static final Change ALL = new Change(Kind.ALL, 0);

    String payload() {
      return kind.name().charAt(0) + ":" + id;
    }

    static Change parse(String payload) {
      try {
        long id = Long.parseLong(payload.substring(2));
        return switch (payload.charAt(0)) {
          case 'T' -> new Change(Kind.TOKEN, id);
          case 'U' -> new Change(Kind.USER, id);
          case 'C' -> new Change(Kind.CLIENT, id);
          case 'N' -> new Change(Kind.NODE, id);
          default -> ALL;
        };
      } catch (RuntimeException e) {
        return ALL;
      }
    }
  }

  private final Database db;
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean running = true;
  private volatile Connection listening;
  private Thread thread;

  public ChangeFeed(Database db) {
    this.db = db;
  }

  /** Registers a listener (for the wiring, before start). */
  public void subscribe(Consumer<Change> listener) {
    listeners.add(listener);
  }

  /** Starts listening for other instances' changes (PostgreSQL only). */
  public void start() {
    if (db.dialect() != Database.Dialect.POSTGRESQL) {
      return;
    }
    thread = new Thread(this::listen, "tokensmith-change-feed");
    thread.setDaemon(true);
    thread.start();
  }

  /** Announces a change, from inside the writing transaction. */
  public void publish(Kind kind, long id) {
    Change change = new Change(kind, id);
    if (db.dialect() == Database.Dialect.POSTGRESQL) {
      db.withHandle(
          h ->
              h.createQuery("SELECT pg_notify(:channel, :payload)")
                  .bind("channel", CHANNEL)
                  .bind("payload", change.payload())
                  .mapTo(String.class)
                  .findOne());
    }
    db.afterCommit(() -> dispatch(change));
  }

  /**
   * Announces a change of each of {@code ids}, from inside the writing transaction: on PostgreSQL
   * one statement sends every notification (a background job's batch), each as {@link #publish}
   * would.
   */
  public void publishAll(Kind kind, List<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<Change> all = ids.stream().map(id -> new Change(kind, id)).toList();
    if (db.dialect() == Database.Dialect.POSTGRESQL) {
      String[] payloads = all.stream().map(Change::payload).toArray(String[]::new);
      db.withHandle(
          h ->
              h.createQuery(
                      "SELECT COUNT(pg_notify(:channel, p)) FROM unnest(CAST(:payloads AS TEXT[])) p")
                  .bind("channel", CHANNEL)
                  .bindArray("payloads", String.class, (Object[]) payloads)
                  .mapTo(Long.class)
                  .one());
    }
    db.afterCommit(() -> all.forEach(this::dispatch));
  }

  private void dispatch(Change change) {
    for (Consumer<Change> listener : listeners) {
      listener.accept(change);
    }
  }

  private void listen() {
    boolean reportedLoss = false;
    while (running) {
      try (Connection connection = db.connect()) {
        listening = connection;
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        // Whatever happened while we were not listening is unknown: start clean.
        dispatch(Change.ALL);
        if (reportedLoss) {
          LOG.info("change feed connection is back");
        }
        reportedLoss = false;
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications(500);
          if (notifications != null) {
            for (PGNotification n : notifications) {
              dispatch(Change.parse(n.getParameter()));
            }
          }
          // getNotifications does not notice a dead peer by itself; a tiny query does, within the
          // read bound.
          if (notifications == null || notifications.length == 0) {
            try (Statement ping = connection.createStatement()) {
              ping.execute("SELECT 1");
            }
          }
        }
      } catch (SQLException e) {
        if (!running) {
          return;
        }
        if (!reportedLoss) {
          LOG.warn(
              "change feed connection lost ({}); cache lifetime bounds staleness until it is back",
              e.getClass().getSimpleName());
          reportedLoss = true;
        }
        sleepQuietly(500);
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    Connection connection = listening;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing the change feed connection", e);
      }
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
