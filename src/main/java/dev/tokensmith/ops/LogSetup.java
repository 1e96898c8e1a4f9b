package dev.tokensmith.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * The log's setup, in code: lines on standard output ({@code HH:mm:ss.SSS LEVEL logger - message}),
 * INFO and up, the libraries' chatter (pool, migrations, Netty, Vert.x) from WARN. Found by Logback
 * through the service loader, so a start does not parse an XML file (a tenth of a second). A file
 * named by {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} or {@code
 * logback.xml} on the class path (the tests' own), still takes over.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

  private final Predicate<String> onClassPath;

  public LogSetup() {
    this(name -> LogSetup.class.getClassLoader().getResource(name) != null);
  }

  LogSetup(Predicate<String> onClassPath) {
    this.onClassPath = onClassPath;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || onClassPath.test("logback-test.xml")
        || onClassPath.test("logback.xml")) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    for (String quiet :
        new String[] {"com.zaxxer.hikari", "org.flywaydb", "io.netty", "io.vertx"}) {
      context.getLogger(quiet).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
