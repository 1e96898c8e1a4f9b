package dev.tokensmith.bench;

import dev.tokensmith.keys.Keyring;
import dev.tokensmith.keys.TokenSecrets;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes distinct random well-formed secrets (valid checksum, no token behind them), one a line:
 * the flood of {@code bench/miss.sh}, which every verifier must look up once and then refuse from
 * its negative cache. Their keys are thrown away; only the format matters.
 *
 * <p>{@code java -cp … dev.tokensmith.bench.WellFormedSecrets <count> <out file> [prefix=tks1]}
 */
public final class WellFormedSecrets {
  private WellFormedSecrets() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    Path out = Path.of(args[1]);
    SecureRandom random = new SecureRandom();
    TokenSecrets secrets =
        new TokenSecrets(
            Keyring.parse("v1:" + randomKey(random), randomKey(random)),
            random,
            args.length > 2 ? args[2] : "tks1");
    Set<String> written = new HashSet<>();
    try (BufferedWriter file = Files.newBufferedWriter(out)) {
      while (written.size() < count) {
        String secret = secrets.generate();
        if (written.add(secret)) {
          file.write(secret);
          file.newLine();
        }
      }
    }
  }

  private static String randomKey(SecureRandom random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
