package dev.tokensmith.activity;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.audit.Activity;
import dev.tokensmith.errors.TooManyRequestsException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.storage.Window;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Page;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;

/** The activity log (section 4.8): a filtered list, and the same filter as CSV. */
public final class ActivityApi implements Api {
  private static final Set<String> OBJECT_TYPES =
      Set.of("api_token", "user", "client", "node_group", "node", "session", "sso");
  private static final Set<String> ACTIONS =
      Set.of(
          "create",
          "update",
          "delete",
          "renew",
          "enable",
          "disable",
          "login",
          "login_failed",
          "logout",
          "register",
          "invite",
          "password_set",
          "password_change",
          "expiring");

  /** Downloads an instance streams at once. */
  static final int MAX_EXPORTS = 4;

  private static final long EXPORT_RETRY_SECONDS = 5;

  private final ActivityService activity;
  private final ActivityCsv csv;
  private final Semaphore exports = new Semaphore(MAX_EXPORTS);

  public ActivityApi(ActivityService activity, ObjectMapper json) {
    this.activity = activity;
    this.csv = new ActivityCsv(json);
  }

  @Override
  public void routes(Routes routes) {
    routes.get(
        "/v2/activity_log",
        r -> {
          Page page = Page.of(r);
          return page.keyset(
              activity.list(r.caller(), search(r, page.window())), Activity::id, ActivityView::of);
        });
    routes.get(
        "/v2/activity_log/count",
        r -> Map.of("count", activity.count(r.caller(), search(r, Window.first(1)))));
    routes.get("/v2/activity_log.csv", this::export);
  }

  // Every record of the filter, however many: limit, offset and cursor are checked as anywhere, and
  // do not apply. A download holds a worker thread while the client reads it: a few at a time per
  // instance, so slow readers cannot take the threads every other request needs.
  private Reply export(Request request) {
    Page.of(request);
    ActivityService.Search search = search(request, Window.first(1));
    var caller = request.caller();
    return Reply.stream(
            "text/csv; charset=utf-8",
            out -> {
              if (!exports.tryAcquire()) {
                throw new TooManyRequestsException(EXPORT_RETRY_SECONDS);
              }
              try {
                // Nothing has gone out yet if the export is refused: the refusal is the answer.
                out.write(csv.header());
                activity.export(caller, search, record -> out.write(csv.row(record)));
                out.flush();
              } finally {
                exports.release();
              }
            })
        .header("Content-Disposition", "attachment; filename=\"activity_log.csv\"");
  }

  private static ActivityService.Search search(Request request, Window window) {
    Params query = request.query();
    String objectType = oneOf(query, "object_type", OBJECT_TYPES);
    String action = oneOf(query, "action", ACTIONS);
    Long actorId = query.id("actor_id").orElse(null);
    Instant from = query.time("from").orElse(null);
    Instant to = query.time("to").orElse(null);
    return new ActivityService.Search(
        query.id("client_id").orElse(null), objectType, action, actorId, from, to, window);
  }

  private static String oneOf(Params query, String name, Set<String> allowed) {
    String value = query.text(name, 32).orElse(null);
    if (value != null && !allowed.contains(value)) {
      throw ValidationException.of(name, INVALID, value);
    }
    return value;
  }
}
