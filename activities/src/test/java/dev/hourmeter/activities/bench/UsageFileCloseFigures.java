package dev.hourmeter.activities.bench;

import dev.hourmeter.activities.UsageCollectionActivitiesImpl;
import dev.hourmeter.activities.usage.JsonLinesUsageSource;
import dev.hourmeter.workflows.model.activity.UsageQuery;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Not a test: the figures of docs/benchmarks.md for the usage file. A 40 MB JSON-lines file of 12
 * customers over 24 hours; each close appends an hour of lines and collects the 12 customers at
 * once, as 12 workflows closing together do. Prints the time per close and the heap.
 *
 * <pre>
 * java -cp "$(cat cp.txt):activities/target/classes:activities/target/test-classes:workflows/target/classes" \
 *   -Xmx4g dev.hourmeter.activities.bench.UsageFileCloseFigures /tmp/usage-40mb.jsonl
 * </pre>
 */
public final class UsageFileCloseFigures {

  static final int CUSTOMERS = 12;
  static final long TARGET_BYTES = 40L * 1024 * 1024;
  static final Instant FIRST_HOUR = Instant.parse("2026-11-25T00:00:00Z");
  static final Duration HOUR = Duration.ofHours(1);

  private UsageFileCloseFigures() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int hours = write(file);
    JsonLinesUsageSource source = new JsonLinesUsageSource(file);
    UsageCollectionActivitiesImpl activity = new UsageCollectionActivitiesImpl(source);
    ExecutorService pool = Executors.newFixedThreadPool(CUSTOMERS);
    System.out.printf("file %s: %d MB, %d hours%n", file, Files.size(file) >> 20, hours);
    for (int close = 0; close < 6; close++) {
      Instant from = FIRST_HOUR.plus(HOUR.multipliedBy(hours - 1 + close));
      if (close > 0) {
        appendHour(file, from);
      }
      resetPeaks();
      long start = System.nanoTime();
      List<Future<Long>> results = new ArrayList<>();
      for (int c = 0; c < CUSTOMERS; c++) {
        CustomerId customer = CustomerId.legacy("cust-" + c);
        results.add(
            pool.submit(
                () ->
                    activity
                        .collectUsage(
                            new UsageQuery(
                                "prod",
                                customer,
                                List.of("requests"),
                                from,
                                from.plus(HOUR),
                                from.minus(HOUR.multipliedBy(24)),
                                HOUR))
                        .quantities()
                        .getOrDefault("requests", java.math.BigDecimal.ZERO)
                        .longValueExact()));
      }
      long total = 0;
      for (Future<Long> r : results) {
        total += r.get();
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.gc();
      long retained = usedHeap();
      System.out.printf(
          "close %d (%s): %d ms for %d customers, peak heap %d MB, heap after GC %d MB,"
              + " quantity %d%n",
          close, from, millis, CUSTOMERS, peakHeap() >> 20, retained >> 20, total);
    }
    pool.shutdown();
  }

  private static int write(Path file) throws IOException {
    int hours = 24;
    long linesPerHour = TARGET_BYTES / hours / line(0, FIRST_HOUR).length();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int h = 0; h < hours; h++) {
        writeHour(out, FIRST_HOUR.plus(HOUR.multipliedBy(h)), linesPerHour);
      }
    }
    return hours;
  }

  private static void appendHour(Path file, Instant hour) throws IOException {
    long linesPerHour = TARGET_BYTES / 24 / line(0, FIRST_HOUR).length();
    try (BufferedWriter out =
        Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
      writeHour(out, hour, linesPerHour);
    }
  }

  private static void writeHour(BufferedWriter out, Instant hour, long lines) throws IOException {
    for (long i = 0; i < lines; i++) {
      out.write(line((int) (i % CUSTOMERS), hour.plusMillis(i * 3_600_000L / lines)));
      out.write('\n');
    }
  }

  private static String line(int customer, Instant at) {
    return "{\"productCode\":\"prod\",\"customer\":\"cust-"
        + customer
        + "\",\"dimension\":\"requests\",\"quantity\":1,\"timestamp\":\""
        + at
        + "\"}";
  }

  private static void resetPeaks() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed())
        .sum();
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
