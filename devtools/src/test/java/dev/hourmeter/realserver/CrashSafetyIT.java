package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.state.PeriodCalendar;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash safety against the real Temporal server with real processes: customers meter with a 20 s
 * period while the worker is killed with SIGKILL in the middle of a submission (the simulator
 * answers slowly, so calls are in flight) and replaced, and the Temporal server is stopped and
 * restarted on the same SQLite file. The simulator's ledger must end with exactly one record per
 * customer, dimension and period, no period missing, and exactly the quantities sent in.
 */
class CrashSafetyIT {

  private static final Logger log = LoggerFactory.getLogger(CrashSafetyIT.class);
  private static final Duration PERIOD = Duration.ofSeconds(20);
  private static final String PRODUCT = "prod-crash";
  private static final String QUEUE = "hourmeter-crash-it";
  private static final List<String> CUSTOMERS = List.of("cust-a", "cust-b", "cust-c");
  private static final List<String> DIMENSIONS = List.of("requests", "storage");
  private static final Path WORK = Path.of("target", "crash-it").toAbsolutePath();

  private final PeriodCalendar calendar = new PeriodCalendar(PERIOD);

  /** Where each accepted report landed, per customer and period: what the ledger must show. */
  private final Map<String, Map<Instant, Long>> expected = new HashMap<>();

  @Test
  void noRecordIsLostOrDuplicatedAcrossAWorkerKillAndAServerRestart() throws Exception {
    try (TemporalCliDevServer server = TemporalDevServer.create(WORK, false);
        MarketplaceSimulator simulator =
            MarketplaceSimulator.builder().port(0).period(PERIOD).autoSubscribe(true).build()) {
      simulator.start();
      simulator.setFaults(FaultSpec.builder().latencyMillis(4000).build());
      server.start();
      WorkerProcess worker =
          WorkerProcess.start(
              server.address(), QUEUE, simulator.endpoint(), WORK.resolve("worker-1.log"));
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
      WorkflowClient client =
          WorkflowClient.newInstance(
              service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      try {
        Map<String, String> firstRuns = new HashMap<>();
        CUSTOMERS.forEach(customer -> firstRuns.put(customer, start(client, customer)));

        sendUsageUntil(client, nextBoundary().plus(PERIOD));
        // Kill the worker while its BatchMeterUsage calls wait on the slow simulator.
        // Calls start after the grace delay (period/12, about 1.7 s), the batcher's linger (up to
        // 1 s) and the activity's dispatch through the task queue (no eager execution with fleet
        // sharing), and take 4 s: kill 4.5 s after the boundary, when every call of the close has
        // started and none has ended (3 s was too early once: none had started yet).
        Instant killAt = nextBoundary().plus(Duration.ofMillis(4500));
        sendUsageUntil(client, killAt.minusSeconds(3));
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), killAt).toMillis()));
        worker.kill();
        Instant killed = Instant.now();
        log.info("worker killed at {}", killed);
        worker =
            WorkerProcess.start(
                server.address(), QUEUE, simulator.endpoint(), WORK.resolve("worker-2.log"));
        Thread.sleep(4500); // the simulator logs a request when it answers it
        assertThat(receivedWithin(simulator, killed.minusMillis(4000), killed))
            .as("BatchMeterUsage calls were in flight when the worker died")
            .isPositive();

        sendUsageUntil(client, nextBoundary().plus(PERIOD).plus(Duration.ofSeconds(5)));
        server.stop();
        log.info("server stopped at {}", Instant.now());
        Thread.sleep(3000);
        server.start();
        log.info("server restarted at {}", Instant.now());

        sendUsageUntil(client, nextBoundary().plus(PERIOD).plus(Duration.ofSeconds(5)));
        Instant lastPeriod = calendar.periodStartOf(Instant.now());
        for (String customer : CUSTOMERS) {
          stub(client, customer).unsubscribe();
        }
        for (String customer : CUSTOMERS) {
          WorkflowStub.fromTyped(stub(client, customer))
              .getResult(120, TimeUnit.SECONDS, Void.class);
        }

        for (String customer : CUSTOMERS) {
          Instant firstPeriod = firstPeriod(client, customer, firstRuns.get(customer));
          assertLedger(simulator.ledger(PRODUCT, customer), customer, firstPeriod, lastPeriod);
        }
      } finally {
        worker.close();
        service.shutdownNow();
      }
    }
  }

  /** Starts the customer's workflow; returns the run id. */
  private String start(WorkflowClient client, String customer) {
    MeteringSubscription subscription =
        new MeteringSubscription(
            PRODUCT,
            CustomerId.parse(customer),
            DIMENSIONS,
            PricingModel.SUBSCRIPTION,
            PERIOD,
            // No close spread: the kill is timed to the calls that start after the grace.
            MeteringTuning.builder(PERIOD)
                .verifyDelay(Duration.ZERO)
                .closeSpread(Duration.ZERO)
                .build());
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class, MeteringOptions.customerWorkflow(QUEUE, subscription));
    return WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription))
        .getRunId();
  }

  /**
   * The first period the workflow meters: the one its first workflow task ran in (its clock), which
   * on a busy machine may be the period after the one the start was requested in.
   */
  private Instant firstPeriod(WorkflowClient client, String customer, String runId) {
    HistoryEvent firstTask =
        client
            .fetchHistory(MeteringWorkflowIds.forCustomer(PRODUCT, customer), runId)
            .getEvents()
            .stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
            .findFirst()
            .orElseThrow();
    Instant first =
        calendar.periodStartOf(
            Instant.ofEpochSecond(
                firstTask.getEventTime().getSeconds(), firstTask.getEventTime().getNanos()));
    log.info("{}: first period {}", customer, first);
    return first;
  }

  private static CustomerMeteringWorkflow stub(WorkflowClient client, String customer) {
    return client.newWorkflowStub(
        CustomerMeteringWorkflow.class, MeteringWorkflowIds.forCustomer(PRODUCT, customer));
  }

  /**
   * Reports usage for every customer every two seconds; each report is retried with its id until
   * accepted.
   */
  private void sendUsageUntil(WorkflowClient client, Instant until) throws InterruptedException {
    while (Instant.now().isBefore(until)) {
      for (String customer : CUSTOMERS) {
        long quantity = ThreadLocalRandom.current().nextLong(1, 10);
        UsageReport report =
            new UsageReport(
                UUID.randomUUID().toString(),
                List.of(new UsageEntry("requests", quantity, Instant.now().toString())));
        UsageReceipt receipt = reportWithRetries(client, customer, report);
        // A duplicate answer to a retry means an earlier attempt was applied, in the report's own
        // period.
        Instant period =
            receipt.duplicate()
                ? calendar.periodStartOf(Instant.parse(report.usage().get(0).timestamp()))
                : receipt.periods().get(0);
        expected.computeIfAbsent(customer, c -> new TreeMap<>()).merge(period, quantity, Long::sum);
      }
      Thread.sleep(2000);
    }
  }

  private static UsageReceipt reportWithRetries(
      WorkflowClient client, String customer, UsageReport report) throws InterruptedException {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 30; attempt++) {
      try {
        return stub(client, customer).reportUsage(report);
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(1000);
      }
    }
    throw last;
  }

  private void assertLedger(
      List<LedgerEntry> ledger, String customer, Instant firstPeriod, Instant lastPeriod) {
    Map<String, List<LedgerEntry>> byKey =
        ledger.stream().collect(Collectors.groupingBy(e -> e.dimension() + "@" + e.timestamp()));
    assertThat(byKey.values())
        .as("%s: one record per dimension and period", customer)
        .allSatisfy(entries -> assertThat(entries).hasSize(1));
    List<Instant> periods = new ArrayList<>();
    for (Instant p = firstPeriod; !p.isAfter(lastPeriod); p = calendar.next(p)) {
      periods.add(p);
    }
    assertThat(periods).hasSizeGreaterThanOrEqualTo(5);
    for (Instant period : periods) {
      for (String dimension : DIMENSIONS) {
        assertThat(byKey)
            .as("%s: %s at %s is in the ledger", customer, dimension, period)
            .containsKey(dimension + "@" + period);
      }
      long expectedRequests = expected.getOrDefault(customer, Map.of()).getOrDefault(period, 0L);
      assertThat(byKey.get("requests@" + period).get(0).quantity())
          .as("%s: requests at %s", customer, period)
          .isEqualTo(expectedRequests);
      assertThat(byKey.get("storage@" + period).get(0).quantity()).isZero();
    }
    assertThat(ledger)
        .as("%s: nothing outside the metered periods", customer)
        .hasSize(periods.size() * 2);
  }

  /**
   * BatchMeterUsage requests the simulator received in {@code (from, to)}: each takes 4 s to
   * answer.
   */
  private static long receivedWithin(MarketplaceSimulator simulator, Instant from, Instant to) {
    return simulator.requestLog().stream()
        .filter(r -> r.operation().equals("BatchMeterUsage"))
        .map(RequestLogEntry::receivedAt)
        .filter(t -> t.isAfter(from) && t.isBefore(to))
        .count();
  }

  private Instant nextBoundary() {
    return calendar.next(calendar.periodStartOf(Instant.now()));
  }
}
