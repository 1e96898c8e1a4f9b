package dev.tokensmith.permissions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.tokensmith.permissions.Catalogue.Invalid;
import dev.tokensmith.permissions.Catalogue.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a catalogue file, JSON or YAML, with a streaming parser so that every error names the line
 * it is on:
 *
 * <pre>
 * resources:
 *   - id: invoices
 *     title: Invoices            # optional
 *     actions: [view, create, void]
 *     roles:                     # the bundle of each regular role for this resource
 *       admin: [view, create, void]
 *       auditor: [view]
 * </pre>
 */
final class CatalogueReader {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

  /** The roles a file may give bundles to; the global roles follow their regular role. */
  private static final List<Role> REGULAR =
      List.of(Role.ADMIN, Role.ANALYTIC, Role.AUDITOR, Role.API_DEVELOPER, Role.DEPLOY);

  private final String source;
  private final boolean yaml;
  private final Set<String> reserved;
  // What the catalogue holds so far, against what a custom list of all of it may take
  // (Catalogue.MAX_*).
  private int idCount;
  private int listChars;
  private JsonParser parser;

  private CatalogueReader(String source, boolean yaml, List<Resource> builtIn) {
    this.source = source;
    this.yaml = yaml;
    this.reserved = new HashSet<>();
    for (Resource resource : builtIn) {
      reserved.add(resource.id());
      count(resource);
    }
  }

  /**
   * The resources of {@code in}; {@code yaml} picks the syntax, {@code source} names it in errors,
   * and a resource of {@code builtIn} (Tokensmith's own, which count towards the limits) is
   * refused.
   */
  static List<Resource> read(InputStream in, boolean yaml, String source, List<Resource> builtIn) {
    CatalogueReader reader = new CatalogueReader(source, yaml, builtIn);
    JsonFactory factory = yaml ? new YAMLFactory() : new JsonFactory();
    try (JsonParser p = factory.createParser(in)) {
      reader.parser = p;
      return reader.document();
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new Invalid(
          source + (line > 0 ? " line " + line : "") + ": not valid " + (yaml ? "YAML" : "JSON"));
    } catch (IOException e) {
      throw new Invalid(source + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private List<Resource> document() throws IOException {
    expect(next(), JsonToken.START_OBJECT, "the file must be an object with a resources list");
    List<Resource> resources = null;
    while (next() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      int line = line();
      next();
      if (!field.equals("resources")) {
        throw error(
            line, "unknown key \"" + printable(field) + "\" (the file holds only resources)");
      }
      if (resources != null) {
        throw error(line, "resources is given twice");
      }
      resources = resources();
    }
    if (resources == null) {
      throw new Invalid(source + ": has no resources list");
    }
    // Not ignored: a second YAML document (two files pasted together) would silently lose its
    // resources.
    if (parser.nextToken() != null) {
      throw error(line(), "nothing may follow the catalogue (a second YAML document?)");
    }
    return resources;
  }

  private List<Resource> resources() throws IOException {
    expect(parser.currentToken(), JsonToken.START_ARRAY, "resources must be a list");
    List<Resource> resources = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (next() != JsonToken.END_ARRAY) {
      int line = line();
      Resource resource = resource(line);
      if (reserved.contains(resource.id())) {
        throw error(
            line, "resource \"" + resource.id() + "\" is built into Tokensmith; leave it out");
      }
      if (!seen.add(resource.id())) {
        throw error(line, "resource \"" + resource.id() + "\" is listed twice");
      }
      count(resource);
      if (idCount > Catalogue.MAX_IDS) {
        throw error(
            line,
            "the catalogue has more than "
                + Catalogue.MAX_IDS
                + " permissions in all (Tokensmith's own included): a custom list of them could not be written");
      }
      if (listChars > Catalogue.MAX_LIST_CHARS) {
        throw error(
            line,
            "the catalogue's permission ids come to more than "
                + Catalogue.MAX_LIST_CHARS
                + " characters in all (Tokensmith's own included): a custom list of them could not be stored");
      }
      resources.add(resource);
    }
    return resources;
  }

  private Resource resource(int line) throws IOException {
    expect(
        parser.currentToken(),
        JsonToken.START_OBJECT,
        "each resource must be an object with id and actions");
    String id = null;
    String title = null;
    List<String> actions = null;
    Map<Role, List<String>> roles = new EnumMap<>(Role.class);
    Map<Role, Integer> roleLines = new EnumMap<>(Role.class);
    Set<String> fields = new HashSet<>();
    while (next() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      int fieldLine = line();
      next();
      if (!fields.add(field)) {
        throw error(fieldLine, "key \"" + printable(field) + "\" is given twice");
      }
      switch (field) {
        case "id" -> id = name(fieldLine, "a resource id");
        case "title" -> title = text(fieldLine, "title", 80);
        case "actions" -> actions = names(fieldLine, "actions");
        case "roles" -> {
          expect(
              parser.currentToken(),
              JsonToken.START_OBJECT,
              "roles must map role ids to lists of actions");
          while (next() == JsonToken.FIELD_NAME) {
            String roleId = parser.currentName();
            int roleLine = line();
            next();
            Role role =
                Role.fromId(roleId)
                    .filter(REGULAR::contains)
                    .orElseThrow(
                        () ->
                            error(
                                roleLine,
                                "unknown role \""
                                    + printable(roleId)
                                    + "\" (roles: admin, analytic, auditor, api_developer, deploy)"));
            if (roles.put(role, names(roleLine, "the actions of " + roleId)) != null) {
              throw error(roleLine, "role \"" + roleId + "\" is given twice");
            }
            roleLines.put(role, roleLine);
          }
        }
        default ->
            throw error(
                fieldLine,
                "unknown key \""
                    + printable(field)
                    + "\" (a resource has id, title, actions, roles)");
      }
    }
    if (id == null) {
      throw error(line, "a resource has no id");
    }
    if (actions == null || !actions.contains("view")) {
      throw error(line, "resource \"" + id + "\" must list its actions, view among them");
    }
    for (String action : actions) {
      if (id.length() + 1 + action.length() > Catalogue.MAX_ID_LENGTH) {
        throw error(
            line,
            "permission \""
                + id
                + ":"
                + action
                + "\" is longer than "
                + Catalogue.MAX_ID_LENGTH
                + " characters (the most a request may write)");
      }
    }
    for (Map.Entry<Role, List<String>> bundle : roles.entrySet()) {
      for (String action : bundle.getValue()) {
        if (!actions.contains(action)) {
          throw error(
              roleLines.get(bundle.getKey()),
              "role \""
                  + bundle.getKey().id()
                  + "\" names action \""
                  + action
                  + "\", which resource \""
                  + id
                  + "\" does not have");
        }
      }
    }
    return new Resource(id, title != null ? title : titleOf(id), actions, roles);
  }

  private String name(int line, String what) throws IOException {
    // YAML 1.1 reads on/off/yes/no/true/null as booleans and null; as a name they are the words
    // written.
    JsonToken token = parser.currentToken();
    boolean scalar =
        token == JsonToken.VALUE_STRING || yaml && token != null && token.isScalarValue();
    String value = scalar ? parser.getText() : null;
    if (value == null || !NAME.matcher(value).matches()) {
      throw error(
          line,
          what + " must be lowercase letters, digits and _ (at most 40, starting with a letter)");
    }
    return value;
  }

  private List<String> names(int line, String what) throws IOException {
    expect(parser.currentToken(), JsonToken.START_ARRAY, what + " must be a list");
    Set<String> out = new LinkedHashSet<>();
    while (next() != JsonToken.END_ARRAY) {
      String action = name(line(), "an action");
      if (!out.add(action)) {
        throw error(line(), "action \"" + action + "\" is listed twice in " + what);
      }
      if (out.size() > Catalogue.MAX_IDS) {
        throw error(line(), what + " has more than " + Catalogue.MAX_IDS + " entries");
      }
    }
    return List.copyOf(out);
  }

  private String text(int line, String what, int max) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_STRING
        || parser.getText().isBlank()
        || parser.getText().length() > max) {
      throw error(line, what + " must be text of 1 to " + max + " characters");
    }
    return parser.getText();
  }

  // The next token; a YAML alias is refused, as the parser hands it over as its anchor's name, not
  // its value.
  private JsonToken next() throws IOException {
    JsonToken token = parser.nextToken();
    if (parser instanceof YAMLParser yamlParser && yamlParser.isCurrentAlias()) {
      throw error(line(), "a YAML alias (*name) is not supported here; write the value out");
    }
    return token;
  }

  private void count(Resource resource) {
    for (String action : resource.actions()) {
      idCount++;
      listChars += resource.id().length() + 1 + action.length() + 1;
    }
  }

  private void expect(JsonToken actual, JsonToken wanted, String message) {
    if (actual != wanted) {
      throw error(line(), message);
    }
  }

  private int line() {
    return parser.currentTokenLocation().getLineNr();
  }

  private Invalid error(int line, String message) {
    return new Invalid(source + " line " + line + ": " + message);
  }

  // Names echoed in an error are the operator's own file, but a control character must not break
  // the one line.
  private static String printable(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static String titleOf(String id) {
    String spaced = id.replace('_', ' ');
    return spaced.substring(0, 1).toUpperCase(Locale.ROOT) + spaced.substring(1);
  }
}
