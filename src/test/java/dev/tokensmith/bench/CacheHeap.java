package dev.tokensmith.bench;

import dev.tokensmith.tokens.TokenVerifier;
import dev.tokensmith.tokens.Verification;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap used per cached token: seeds N tokens, measures the heap after a full GC, verifies every one
 * of them (so all are cached), measures again. Run: {@code mvn -q test-compile
 * exec:exec@cache-heap}.
 */
public final class CacheHeap {
  private CacheHeap() {}

  public static void main(String[] args) throws Exception {
    int tokens = Integer.parseInt(args.length > 0 ? args[0] : "1000000");
    long seedStart = System.nanoTime();
    BenchApp bench = new BenchApp(tokens, tokens, 3600);
    System.out.printf(
        "seeded %d tokens in %.1f s%n", tokens, (System.nanoTime() - seedStart) / 1e9);
    TokenVerifier verifier = bench.app.verifier();
    long before = usedAfterGc();
    long start = System.nanoTime();
    for (String secret : bench.secrets) {
      if (!(verifier.verify(secret, "127.0.0.1", false) instanceof Verification.Verified)) {
        throw new IllegalStateException("a seeded token did not verify");
      }
    }
    double loadSeconds = (System.nanoTime() - start) / 1e9;
    long cached = verifier.cachedTokens();
    long after = usedAfterGc();
    System.out.printf(
        "cached %d tokens (cold loads %.1f s); heap %d MB -> %d MB; %.0f bytes per cached token%n",
        cached, loadSeconds, before >> 20, after >> 20, (after - before) / (double) cached);
    bench.app.close();
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
