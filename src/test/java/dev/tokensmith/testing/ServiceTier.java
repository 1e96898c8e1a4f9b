package dev.tokensmith.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The service tier: the real services over an in-memory H2 database ({@link Services}), no server,
 * no HTTP; milliseconds a test. {@code mvn test -Pfast -Dgroups=service} runs this tier alone.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("service")
public @interface ServiceTier {}
