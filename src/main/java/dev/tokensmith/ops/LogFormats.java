package dev.tokensmith.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.tokensmith.config.Settings;
import java.util.Iterator;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Switches the log output to {@code TOKENSMITH_LOG_FORMAT}: as configured ({@code text}), or one
 * JSON object per line ({@code json}, Logback's own {@link JsonEncoder}: timestamp, level, thread,
 * logger, the message, the key-value pairs of structured lines such as the access log's, and the
 * exception if any). Done in code rather than in {@code logback.xml} because the setting may come
 * from the configuration file too.
 */
public final class LogFormats {
  private LogFormats() {}

  /** Applies the format to the process's Logback (nothing when another SLF4J backend is in use). */
  public static void use(Settings.LogFormat format) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      apply(context, format);
    }
  }

  /** Logs warnings and errors only, from now on (a throwaway server's start says nothing). */
  public static void warningsOnly() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context
          .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /** Gives every stream appender of the root logger (the console, a file) the format. */
  static void apply(LoggerContext context, Settings.LogFormat format) {
    if (format != Settings.LogFormat.JSON) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithFormattedMessage(true);
        encoder.setWithArguments(false);
        encoder.start();
        // Swapped in place: stopping the appender would close its stream (a file, the console).
        appender.setEncoder(encoder);
      }
    }
  }
}
