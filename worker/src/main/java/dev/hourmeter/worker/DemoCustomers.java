package dev.hourmeter.worker;

import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.CustomerMeteringInput;
import dev.hourmeter.workflows.model.MeteringSubscription;
import dev.hourmeter.workflows.model.MeteringTuning;
import dev.hourmeter.workflows.model.PricingModel;
import dev.hourmeter.workflows.model.UsageEntry;
import dev.hourmeter.workflows.model.UsageReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.util.ArrayList;
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
 * Demo customers for {@code dev}: {@code demo-customer-1..N} of product {@code hourmeter-demo},
 * each with a synthetic usage generator that pushes a report every few seconds, alternating the
 * {@code recordUsage} signal and the validating {@code reportUsage} update. Report ids are unique
 * per process run.
 */
final class DemoCustomers implements AutoCloseable {

  static final String PRODUCT = "hourmeter-demo";
  static final List<String> DIMENSIONS = List.of("requests", "gb-hours");

  private static final Logger log = LoggerFactory.getLogger(DemoCustomers.class);

  private final WorkflowClient client;
  private final String taskQueue;
  private final List<MeteringSubscription> subscriptions;
  private final Duration interval;
  private final Map<String, CustomerMeteringWorkflow> active = new ConcurrentHashMap<>();
  private final Set<String> stopped = ConcurrentHashMap.newKeySet();
  private final AtomicLong sequence = new AtomicLong();
  private final String runNonce = Long.toString(System.currentTimeMillis(), 36);
  private final Random random = new Random();
  private ScheduledExecutorService scheduler;

  DemoCustomers(
      WorkflowClient client,
      String taskQueue,
      List<MeteringSubscription> subscriptions,
      Duration interval) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.subscriptions = List.copyOf(subscriptions);
    this.interval = interval;
  }

  /**
   * The demo subscriptions. Each continues as new about once an hour, which keeps a long dev run's
   * histories small (the in-process server never suggests it) and exercises continue-as-new.
   *
   * @throws IllegalArgumentException naming the field when {@code period} is not a valid metering
   *     period
   */
  static List<MeteringSubscription> subscriptions(int count, Duration period) {
    List<MeteringSubscription> result = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      MeteringSubscription subscription =
          MeteringSubscription.of(
              PRODUCT,
              CustomerId.legacy("demo-customer-" + i),
              DIMENSIONS,
              PricingModel.SUBSCRIPTION,
              period);
      long perHour = Math.max(1, Duration.ofHours(1).toMillis() / period.toMillis());
      result.add(
          subscription.withTuning(
              MeteringTuning.defaults(period)
                  .withContinueAsNewAfterPeriods((int) Math.min(perHour, 1000))));
    }
    return result;
  }

  /** Starts every demo customer's workflow (already running: kept) and the usage generator. */
  DemoCustomers start() {
    for (MeteringSubscription subscription : subscriptions) {
      CustomerMeteringWorkflow workflow =
          client.newWorkflowStub(
              CustomerMeteringWorkflow.class,
              MeteringOptions.customerWorkflow(taskQueue, subscription));
      try {
        WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
      } catch (WorkflowExecutionAlreadyStarted e) {
        log.info("{} is already running", e.getExecution().getWorkflowId());
      }
      String customer = subscription.customer().value();
      active.put(
          customer,
          client.newWorkflowStub(
              CustomerMeteringWorkflow.class, MeteringWorkflowIds.forCustomer(PRODUCT, customer)));
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
    return subscriptions.size();
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
