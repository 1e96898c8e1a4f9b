package dev.tokensmith.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that exercises the database: the suite runs it on H2, and the PostgreSQL run (surefire's
 * {@code postgresql} execution, which selects the tag {@code database}) runs it again on the
 * machine's PostgreSQL. It gets its database from {@link TestDatabase#create()}, directly or
 * through its server, so nothing else changes between the two runs. Tests whose subject is not the
 * database (HTTP framing, static pages, start-up checks) and browser tests run once. jqwik reads
 * its own tag annotation, hence both.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("database")
@net.jqwik.api.Tag("database")
public @interface UsesDatabase {}
