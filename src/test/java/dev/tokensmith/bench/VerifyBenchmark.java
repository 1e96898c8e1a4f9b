package dev.tokensmith.bench;

import dev.tokensmith.testing.TestSecrets;
import dev.tokensmith.tokens.TokenVerifier;
import dev.tokensmith.tokens.Verification;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per in-process verification, beside one HMAC-SHA-256 of a 64-byte value measured in
 * the same run: a cached valid token, an unknown well-formed token (negative cache), a bad
 * checksum. Run: {@code mvn -q test-compile exec:exec@jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class VerifyBenchmark {
  private BenchApp bench;
  private TokenVerifier verifier;
  private String valid;
  private String unknown;
  private String badChecksum;
  private Mac mac;
  private byte[] input;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    bench = new BenchApp(1000, 1, 3600);
    verifier = bench.app.verifier();
    valid = bench.secrets.get(0);
    unknown = TestSecrets.unknown("tks1");
    char last = valid.charAt(63);
    badChecksum = valid.substring(0, 63) + (last == 'a' ? 'b' : 'a');
    if (!(verifier.verify(valid, "127.0.0.1", false) instanceof Verification.Verified)) {
      throw new IllegalStateException("seeded token does not verify");
    }
    verifier.verify(unknown, "127.0.0.1", false);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    input = valid.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    bench.app.close();
  }

  @Benchmark
  public Verification cachedValidToken() {
    return verifier.verify(valid, "127.0.0.1", false);
  }

  @Benchmark
  public Verification unknownToken() {
    return verifier.verify(unknown, "127.0.0.1", false);
  }

  @Benchmark
  public Verification badChecksumToken() {
    return verifier.verify(badChecksum, "127.0.0.1", false);
  }

  @Benchmark
  public byte[] hmacSha256Of64Bytes() {
    return mac.doFinal(input);
  }
}
