package dev.tokensmith.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The setup every API test class shared: one {@link TestServer} on a random port over a fresh
 * database (H2, or PostgreSQL in the PostgreSQL run), with {@link Fixtures} to seed it over HTTP.
 * Started before the class's {@code @BeforeAll} methods (which seed what the class needs) and
 * closed after its last test, which checks that no secret leaked. Use it through {@link
 * WithServer}; the server reaches the class through its static {@code TestServer} and {@code
 * Fixtures} fields, filled when declared, and through parameters of those types.
 */
public final class ServerExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ServerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    TestServer server = server(context);
    Fixtures fixtures = fixtures(context);
    for (Field field :
        ReflectionSupport.findFields(
            context.getRequiredTestClass(),
            f ->
                Modifier.isStatic(f.getModifiers())
                    && !Modifier.isFinal(f.getModifiers())
                    && (f.getType() == TestServer.class || f.getType() == Fixtures.class),
            HierarchyTraversalMode.TOP_DOWN)) {
      field.setAccessible(true);
      field.set(null, field.getType() == TestServer.class ? server : fixtures);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestServer.class || type == Fixtures.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestServer.class
        ? server(context)
        : fixtures(context);
  }

  // The class's server, started on first use; the store closes it after the class (a nested class
  // shares it).
  private static TestServer server(ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(TestServer.class, key -> start(context), TestServer.class);
  }

  private static Fixtures fixtures(ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Fixtures.class, key -> new Fixtures(server(context)), Fixtures.class);
  }

  private static TestServer start(ExtensionContext context) {
    WithServer wanted =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithServer.class)
            .orElseThrow(
                () -> new IllegalStateException("ServerExtension is used through @WithServer"));
    Map<String, String> settings = new HashMap<>();
    for (String setting : wanted.settings()) {
      int equals = setting.indexOf('=');
      if (equals < 1) {
        throw new IllegalArgumentException("a @WithServer setting is NAME=value: " + setting);
      }
      settings.put(setting.substring(0, equals), setting.substring(equals + 1));
    }
    if (!wanted.routes().isEmpty()) {
      settings.put("TOKENSMITH_FORWARD_ROUTES_FILE", routesFile(wanted.routes()).toString());
    }
    return TestServer.start(settings);
  }

  private static Path routesFile(String routes) {
    try {
      Path file = Files.createTempFile("routes", ".txt");
      file.toFile().deleteOnExit();
      return Files.writeString(file, routes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
