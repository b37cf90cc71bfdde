package dev.hourmeter.devtools;

import dev.hourmeter.worker.HourmeterMain;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synthetic usage of {@code dev}'s demo customers: a report every few seconds for each customer
 * whose workflow onboarding started ({@link DemoOnboarding}), alternating the {@code recordUsage}
 * signal and the validating {@code reportUsage} update. Report ids are unique per process run.
 */
final class DemoCustomers implements AutoCloseable {

  private static final List<String> DIMENSIONS = DemoBuyer.DIMENSIONS;

  private static final Logger log = LoggerFactory.getLogger(DemoCustomers.class);

  private final WorkflowClient client;
  private final List<DemoOnboarding.Arrival> arrivals;
  private final Duration interval;
  private final Map<String, CustomerMeteringWorkflow> active = new ConcurrentHashMap<>();
  private final Set<String> stopped = ConcurrentHashMap.newKeySet();
  private final AtomicLong sequence = new AtomicLong();
  private final String runNonce = Long.toString(System.currentTimeMillis(), 36);
  private final Random random = new Random();
  private ScheduledExecutorService scheduler;

  DemoCustomers(WorkflowClient client, List<DemoOnboarding.Arrival> arrivals, Duration interval) {
    this.client = client;
    this.arrivals = List.copyOf(arrivals);
    this.interval = interval;
  }

  /** Starts the usage generator for every arrived customer. */
  DemoCustomers start() {
    for (DemoOnboarding.Arrival arrival : arrivals) {
      active.put(
          arrival.buyer().name(),
          client.newWorkflowStub(CustomerMeteringWorkflow.class, arrival.workflowId()));
    }
    if (!active.isEmpty()) {
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "demo-usage");
                t.setDaemon(true);
                return t;
              });
      scheduler.scheduleWithFixedDelay(
          this::tick, 1000, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  private void tick() {
    for (var entry : active.entrySet()) {
      String customer = entry.getKey();
      long n = sequence.incrementAndGet();
      String dimension = DIMENSIONS.get(random.nextInt(DIMENSIONS.size()));
      long quantity = dimension.equals("requests") ? 1 + random.nextInt(50) : random.nextInt(4);
      UsageReport report =
          new UsageReport(
              "demo-" + runNonce + "-" + n, List.of(UsageEntry.now(dimension, quantity)));
      try {
        if (n % 2 == 0) {
          entry.getValue().reportUsage(report);
        } else {
          entry.getValue().recordUsage(report);
        }
        log.debug(
            "{}: {} {} ({})", customer, quantity, dimension, n % 2 == 0 ? "update" : "signal");
      } catch (WorkflowNotFoundException | WorkflowUpdateException e) {
        // Unsubscribed (workflow ended): stop generating for this customer.
        if (stopped.add(customer)) {
          active.remove(customer);
          log.info("demo usage for {} stopped: its workflow no longer accepts usage", customer);
        }
      } catch (RuntimeException e) {
        log.warn("demo usage for {} failed: {}", customer, HourmeterMain.messages(e));
      }
    }
  }

  int count() {
    return arrivals.size();
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
