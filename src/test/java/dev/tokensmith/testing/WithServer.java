package dev.tokensmith.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One real server for the whole test class, started by {@link ServerExtension} before the class's
 * {@code @BeforeAll} methods and stopped after its last test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ServerExtension.class)
public @interface WithServer {

  /** Settings on top of the test server's defaults, each {@code NAME=value}. */
  String[] settings() default {};

  /**
   * A forward route table, written to a file for {@code TOKENSMITH_FORWARD_ROUTES_FILE}; empty =
   * the built-in one.
   */
  String routes() default "";
}
