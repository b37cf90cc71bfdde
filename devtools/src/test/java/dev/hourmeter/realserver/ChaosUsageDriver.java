package dev.hourmeter.realserver;

import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of {@link ChaosIT}: sender threads report usage to random customers, half as
 * {@code recordUsage} signals, half as {@code reportUsage} updates, each report with its own id and
 * one or both dimensions. A refused or failed message (Temporal down, no worker, a timeout) is sent
 * again with the same id and content, as a careful client does, for up to {@link #RETRY_FOR}. Keeps
 * the exact quantities it got accepted, per customer and dimension, once per report id.
 */
final class ChaosUsageDriver implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ChaosUsageDriver.class);
  static final Duration RETRY_FOR = Duration.ofMinutes(3);

  private final WorkflowClient client;
  private final String product;
  private final List<String> customers;
  private final List<String> dimensions;
  private final long seed;
  private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final List<String> lost = new ArrayList<>();
  private final ExecutorService threads;
  private final int threadCount;
  private volatile boolean stopped;

  ChaosUsageDriver(
      WorkflowClient client,
      String product,
      List<String> customers,
      List<String> dimensions,
      long seed,
      int threadCount) {
    this.client = client;
    this.product = product;
    this.customers = List.copyOf(customers);
    this.dimensions = List.copyOf(dimensions);
    this.seed = seed;
    this.threadCount = threadCount;
    this.threads = Executors.newFixedThreadPool(threadCount);
  }

  void start() {
    for (int t = 0; t < threadCount; t++) {
      int thread = t;
      threads.submit(() -> send(thread));
    }
  }

  /** Stops sending; a message being delivered is still delivered (or given up). */
  void stopAndAwait() throws InterruptedException {
    stopped = true;
    threads.shutdown();
    if (!threads.awaitTermination(RETRY_FOR.toSeconds() + 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("senders did not finish");
    }
  }

  /** Accepted quantity of one customer and dimension. */
  long accepted(String customer, String dimension) {
    AtomicLong total = accepted.get(customer + "/" + dimension);
    return total == null ? 0 : total.get();
  }

  long acceptedTotal() {
    return accepted.values().stream().mapToLong(AtomicLong::get).sum();
  }

  Map<String, Long> counts() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((k, v) -> snapshot.put(k, v.get()));
    return snapshot;
  }

  synchronized List<String> lost() {
    return List.copyOf(lost);
  }

  @Override
  public void close() {
    stopped = true;
    threads.shutdownNow();
  }

  private void send(int thread) {
    Random random = new Random(seed + thread);
    List<String> mine = new ArrayList<>();
    for (int i = thread; i < customers.size(); i += threadCount) {
      mine.add(customers.get(i));
    }
    int n = 0;
    try {
      while (!stopped) {
        String customer = mine.get(random.nextInt(mine.size()));
        UsageReport report = report("chaos-" + seed + "-" + thread + "-" + n++, random);
        boolean update = random.nextBoolean();
        if (deliver(customer, report, update)) {
          report
              .usage()
              .forEach(
                  e ->
                      accepted
                          .computeIfAbsent(customer + "/" + e.dimension(), k -> new AtomicLong())
                          .addAndGet(e.quantity().longValueExact()));
        }
        Thread.sleep(150 + random.nextInt(500));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("sender {} failed", thread, e);
      synchronized (this) {
        lost.add("sender " + thread + " failed: " + e);
      }
    }
  }

  private UsageReport report(String id, Random random) {
    String at = Instant.now().toString();
    List<UsageEntry> entries = new ArrayList<>();
    for (String dimension : dimensions) {
      if (entries.isEmpty() || random.nextBoolean()) {
        entries.add(new UsageEntry(dimension, 1 + random.nextInt(50), at));
      }
    }
    return new UsageReport(id, entries);
  }

  /** Sends until accepted (a retry of an applied update answers "duplicate": counted once). */
  private boolean deliver(String customer, UsageReport report, boolean update)
      throws InterruptedException {
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class, MeteringWorkflowIds.forCustomer(product, customer));
    Instant giveUp = Instant.now().plus(RETRY_FOR);
    boolean retried = false;
    while (true) {
      try {
        if (update) {
          workflow.reportUsage(report);
        } else {
          workflow.recordUsage(report);
        }
        count(update ? "updates" : "signals");
        count("reports");
        if (retried) {
          count("reports retried");
        }
        return true;
      } catch (RuntimeException e) {
        count("failed attempts");
        retried = true;
        if (Instant.now().isAfter(giveUp)) {
          log.error("report {} to {} given up after {}", report.id(), customer, RETRY_FOR, e);
          synchronized (this) {
            lost.add(report.id() + " to " + customer + ": " + rootMessage(e));
          }
          return false;
        }
        Thread.sleep(1000);
      }
    }
  }

  private void count(String kind) {
    counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }
}
