package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.config.Settings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TOKENSMITH_LOG_FORMAT=json: one JSON object per line, structured fields included. */
class LogFormatsTest {

  @Test
  void applyWhenJsonThenEveryLineIsOneJsonObjectWithItsKeyValues() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoggerContext context = context(out);

    LogFormats.apply(context, Settings.LogFormat.JSON);
    Logger logger = context.getLogger("dev.tokensmith.access");
    logger.atInfo().addKeyValue("route", "/v2/auth/check").log("line one");
    logger.warn("line \"two\"\nwith a break", new IllegalStateException("boom"));

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).as(String.join("\n", lines)).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines.get(0));
    assertThat(first.path("level").asText()).as(lines.get(0)).isEqualTo("INFO");
    assertThat(first.path("loggerName").asText()).isEqualTo("dev.tokensmith.access");
    assertThat(first.path("formattedMessage").asText()).isEqualTo("line one");
    assertThat(first.path("kvpList").toString()).contains("/v2/auth/check");
    JsonNode second = json.readTree(lines.get(1));
    assertThat(second.path("formattedMessage").asText()).isEqualTo("line \"two\"\nwith a break");
    assertThat(second.path("throwable").toString()).contains("boom");
  }

  @Test
  void applyWhenTextThenAsConfigured() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoggerContext context = context(out);

    LogFormats.apply(context, Settings.LogFormat.TEXT);
    context.getLogger("x").info("plain");

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("INFO plain\n");
  }

  private static LoggerContext context(ByteArrayOutputStream out) {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    context.start();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%level %msg%n");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    return context;
  }
}
