package dev.tokensmith.activity;

import dev.tokensmith.access.Account;
import static dev.tokensmith.errors.ValidationException.Code.INVALID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.audit.Activity;
import dev.tokensmith.audit.ActivityFilter;
import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.access.Access;
import dev.tokensmith.access.Caller;
import dev.tokensmith.clients.Client;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.IsoTime;
import dev.tokensmith.web.Page;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The activity log (section 4.8): a filtered list, and the same filter as CSV. */
public final class ActivityApi implements Api {
  private static final Set<String> OBJECT_TYPES = Set.of("api_token", "user", "client", "node_group", "node", "session");
  private static final Set<String> ACTIONS = Set.of("create", "update", "delete", "renew", "enable", "disable", "login",
      "login_failed", "logout");
  private static final String CSV_HEADER = "id,time,client_id,object_type,object_id,object_name,action,outcome,"
      + "actor_type,actor_id,actor_name,source,ip,changes\n";

  private final ActivityLog activity;
  private final Access access;
  private final ObjectMapper json;

  public ActivityApi(ActivityLog activity, Access access, ObjectMapper json) {
    this.activity = activity;
    this.access = access;
    this.json = json;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/v2/activity_log", r -> find(r, "activity_log:view").stream().map(ActivityApi::view).toList());
    routes.get("/v2/activity_log.csv", r -> Reply.raw("text/csv; charset=utf-8", csv(find(r, "activity_log:export")))
        .header("Content-Disposition", "attachment; filename=\"activity_log.csv\""));
  }

  private List<Activity> find(Request request, String permission) {
    Page page = Page.of(request);
    String objectType = oneOf(request, "object_type", OBJECT_TYPES);
    String action = oneOf(request, "action", ACTIONS);
    Long actorId = request.queryId("actor_id").orElse(null);
    Instant from = time(request, "from");
    Instant to = time(request, "to");
    Caller caller = request.caller();
    Account target = access.target(caller, request.queryId("client_id").orElse(null));
    access.require(caller, target, "activity_log:view");
    access.require(caller, target, permission);
    return activity.find(new ActivityFilter(target.id(), objectType, action, actorId, from, to, page.limit(),
        page.offset()));
  }

  private static String oneOf(Request request, String name, Set<String> allowed) {
    String value = request.queryText(name, 32).orElse(null);
    if (value != null && !allowed.contains(value)) {
      throw ValidationException.of(name, INVALID, value);
    }
    return value;
  }

  private static Instant time(Request request, String name) {
    return request.queryText(name, 40).map(text -> IsoTime.parse(text)
        .orElseThrow(() -> ValidationException.of(name, INVALID, text))).orElse(null);
  }

  static Map<String, Object> view(Activity a) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", a.id());
    view.put("time", IsoTime.format(a.time()));
    view.put("client_id", a.clientId());
    view.put("object_type", a.objectType());
    view.put("object_id", a.objectId());
    view.put("object_name", a.objectName());
    view.put("action", a.action());
    view.put("outcome", a.outcome());
    Map<String, Object> actor = new LinkedHashMap<>();
    actor.put("type", a.actor().type());
    actor.put("id", a.actor().id());
    actor.put("name", a.actor().name());
    view.put("actor", actor);
    view.put("source", a.source());
    view.put("ip", a.ip());
    view.put("changes", a.changes());
    return view;
  }

  private String csv(List<Activity> records) {
    StringBuilder out = new StringBuilder(CSV_HEADER);
    for (Activity a : records) {
      Object[] cells = {a.id(), IsoTime.format(a.time()), a.clientId(), a.objectType(), a.objectId(), a.objectName(),
          a.action(), a.outcome(), a.actor().type(), a.actor().id(), a.actor().name(), a.source(), a.ip(),
          changesText(a.changes())};
      for (int i = 0; i < cells.length; i++) {
        out.append(i == 0 ? "" : ",").append(cell(cells[i]));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private String changesText(Map<String, List<Object>> changes) {
    try {
      return json.writeValueAsString(changes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("activity changes are not serialisable", e);
    }
  }

  // Quotes every text cell, and defuses spreadsheet formulas (a name starting with = + - @).
  private static String cell(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Number) {
      return value.toString();
    }
    String text = value.toString();
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    return "\"" + text.replace("\"", "\"\"") + "\"";
  }
}
