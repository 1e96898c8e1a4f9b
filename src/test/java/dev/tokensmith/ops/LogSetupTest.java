package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The log's setup in code: what logback.xml said, and an operator's own file still wins. */
class LogSetupTest {

  @Test
  void configureWhenNoFileIsNamedThenConsoleLinesAtInfoAndLibrariesAtWarn() {
    LoggerContext context = new LoggerContext();
    LogSetup setup = new LogSetup(name -> false);
    setup.setContext(context);

    assertThat(setup.configure(context))
        .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(root.getAppender("STDOUT")).isInstanceOf(ConsoleAppender.class);
    ConsoleAppender<ILoggingEvent> console =
        (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
    assertThat(console.isStarted()).isTrue();
    assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern())
        .isEqualTo("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
    for (String quiet :
        new String[] {"com.zaxxer.hikari", "org.flywaydb", "io.netty", "io.vertx"}) {
      assertThat(context.getLogger(quiet).getEffectiveLevel()).isEqualTo(Level.WARN);
    }
    assertThat(context.getLogger("dev.tokensmith.App").getEffectiveLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void configureWhenAConfigurationFileIsNamedThenLogbackReadsItInstead() {
    LoggerContext context = new LoggerContext();
    LogSetup setup = new LogSetup(name -> false);
    setup.setContext(context);
    System.setProperty("logback.configurationFile", "/etc/tokensmith/logback.xml");
    try {
      assertThat(setup.configure(context))
          .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
    } finally {
      System.clearProperty("logback.configurationFile");
    }
  }

  @Test
  void configureWhenTheClassPathHoldsALogbackFileThenLogbackReadsItInstead() {
    for (String file : new String[] {"logback-test.xml", "logback.xml"}) {
      LoggerContext context = new LoggerContext();
      LogSetup setup = new LogSetup(file::equals);
      setup.setContext(context);
      assertThat(setup.configure(context))
          .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
    // The tests' own file is found on the real class path.
    LoggerContext context = new LoggerContext();
    LogSetup setup = new LogSetup();
    setup.setContext(context);
    assertThat(setup.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
  }
}
