package dev.tokensmith.bench;

import dev.tokensmith.tokens.TokenVerifier;
import dev.tokensmith.tokens.Verification;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import javax.management.ObjectName;

/**
 * Heap used per cached token: seeds N tokens, measures the heap after a full GC, verifies every one
 * of them (so all are cached), measures again, and prints the classes whose live bytes grew most
 * (what a cached token is made of). Run: {@code mvn -q test-compile exec:exec@cache-heap}, with
 * {@code -Dcache.heap.tokens=N} for another count than 1 000 000.
 */
public final class CacheHeap {
  private static final int TOP_CLASSES = 15;

  private CacheHeap() {}

  public static void main(String[] args) throws Exception {
    int tokens = Integer.parseInt(args.length > 0 ? args[0] : "1000000");
    long seedStart = System.nanoTime();
    BenchApp bench = new BenchApp(tokens, tokens, 3600);
    System.out.printf(
        "seeded %d tokens in %.1f s%n", tokens, (System.nanoTime() - seedStart) / 1e9);
    TokenVerifier verifier = bench.app.verifier();
    long before = usedAfterGc();
    Map<String, long[]> classesBefore = classHistogram();
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
    printGrowth(classesBefore, classHistogram(), cached);
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

  // Live instances and bytes by class name, as GC.class_histogram reports them (after a full GC).
  private static Map<String, long[]> classHistogram() throws Exception {
    String text =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
    Map<String, long[]> classes = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 4 && fields[0].endsWith(":")) {
        classes.put(fields[3], new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])});
      }
    }
    return classes;
  }

  private static void printGrowth(
      Map<String, long[]> before, Map<String, long[]> after, long cached) {
    System.out.printf(
        "%-60s %12s %14s %10s%n", "class (top growth)", "instances", "bytes", "B/token");
    after.entrySet().stream()
        .map(
            e -> {
              long[] was = before.getOrDefault(e.getKey(), new long[2]);
              return Map.entry(
                  e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]});
            })
        .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[1]))
        .limit(TOP_CLASSES)
        .forEach(
            e ->
                System.out.printf(
                    "%-60s %12d %14d %10.1f%n",
                    e.getKey(),
                    e.getValue()[0],
                    e.getValue()[1],
                    e.getValue()[1] / (double) Math.max(1, cached)));
  }
}
