package dev.tokensmith.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.audit.Activity;
import dev.tokensmith.web.IsoTime;
import java.util.List;
import java.util.Map;

/** Activity records as a CSV download: one row each, the changes as their JSON text. */
final class ActivityCsv {
  private static final String HEADER =
      "id,time,client_id,object_type,object_id,object_name,action,outcome,"
          + "actor_type,actor_id,actor_name,source,ip,changes\n";

  private final ObjectMapper json;

  ActivityCsv(ObjectMapper json) {
    this.json = json;
  }

  /** The header line. */
  String header() {
    return HEADER;
  }

  /** One record's line. */
  String row(Activity a) {
    Object[] cells = {
      a.id(),
      IsoTime.format(a.time()),
      a.clientId(),
      a.objectType(),
      a.objectId(),
      a.objectName(),
      a.action(),
      a.outcome(),
      a.actor().type(),
      a.actor().id(),
      a.actor().name(),
      a.source(),
      a.ip(),
      changesText(a.changes())
    };
    StringBuilder out = new StringBuilder(256);
    for (int i = 0; i < cells.length; i++) {
      out.append(i == 0 ? "" : ",").append(cell(cells[i]));
    }
    return out.append('\n').toString();
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
