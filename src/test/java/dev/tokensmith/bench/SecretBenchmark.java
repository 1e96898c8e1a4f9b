package dev.tokensmith.bench;

import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per checksum check of a secret: as characters (what secret scanning of logged values
 * uses) and as the bytes the verifier already holds (its hot path), and per generated secret.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SecretBenchmark {
  private final TokenSecrets secrets = TestSecrets.withPrefix("tks1");
  private String secret;
  private byte[] ascii;

  @Setup
  public void setUp() {
    secret = secrets.generate();
    ascii = secret.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Benchmark
  public boolean checksumOfChars() {
    return secrets.isWellFormed(secret);
  }

  @Benchmark
  public boolean checksumOfBytes() {
    return secrets.isWellFormed(ascii);
  }

  @Benchmark
  public String generate() {
    return secrets.generate();
  }
}
