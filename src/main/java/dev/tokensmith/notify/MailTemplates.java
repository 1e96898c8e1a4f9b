package dev.tokensmith.notify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The e-mail templates, read from the jar once at start. {@code {{name}}} takes the parameter's
 * value: as it is in the plain text and the subject (line breaks in the subject become spaces), and
 * HTML-escaped in the HTML part. A name without a value is an error, caught by the tests.
 */
final class MailTemplates {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
  private static final String SUBJECT = "Subject: ";

  /** A rendered e-mail. */
  record Rendered(String subject, String text, String html) {}

  private record Source(String subject, String text, String html) {}

  private final Map<MailTemplate, Source> sources = new EnumMap<>(MailTemplate.class);

  MailTemplates() {
    for (MailTemplate template : MailTemplate.values()) {
      String text = read("mail/" + template.id() + ".txt");
      String html = read("mail/" + template.id() + ".html");
      int end = text.indexOf('\n');
      if (!text.startsWith(SUBJECT) || end < 0) {
        throw new IllegalStateException(template.id() + ".txt does not start with a Subject line");
      }
      sources.put(
          template,
          new Source(text.substring(SUBJECT.length(), end).strip(), text.substring(end + 1), html));
    }
  }

  Rendered render(MailTemplate template, Map<String, String> params) {
    Source source = sources.get(template);
    String subject = fill(source.subject(), params, false).replaceAll("[\\p{Cntrl}]+", " ").strip();
    return new Rendered(
        subject, fill(source.text(), params, false), fill(source.html(), params, true));
  }

  private static String fill(String template, Map<String, String> params, boolean html) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = params.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("no value for {{" + m.group(1) + "}}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(html ? escape(value) : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String read(String resource) {
    try (InputStream in = MailTemplates.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing template " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
