package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.TemporalConnectionSettings;
import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.worker.WorkerAssembly;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.WorkerSettings;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.state.PeriodCalendar;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A busy customer against the real Temporal server: 12,000 {@code recordUsage} signals and 3,000
 * {@code reportUsage} updates into one customer, within one PT1H period, as fast as six client
 * threads send them: more than Temporal accepts in one run (10,000 signals, 2,000 updates). The
 * workflow continues as new from the wait, so every message is accepted (a refused one is sent
 * again with the same id for up to two minutes, as a careful client does; before the change the
 * refusals lasted the rest of the period), and the ledger bills the exact total once.
 *
 * <p>The messages carry 3,400 distinct reports, each delivered several times (2,400 signalled five
 * times, 1,000 updated three times), as at-least-once delivery does: the dedup memory holds 4,096
 * report ids per horizon by design (more are refused, retryably, rather than forgotten), and the
 * redeliveries that reach a later run must still be recognized as duplicates.
 *
 * <p>A soak test (minutes of real time): {@code mvn verify -Psoak} runs it, the default build does
 * not.
 */
@Tag("soak")
class BusyCustomerIT {

  private static final Logger log = LoggerFactory.getLogger(BusyCustomerIT.class);
  private static final Duration PERIOD = Duration.ofHours(1);
  private static final String PRODUCT = "prod-busy";
  private static final String CUSTOMER = "cust-busy";
  private static final String QUEUE = "hourmeter-busy-it";
  private static final Path WORK = Path.of("target", "busy-it").toAbsolutePath();
  private static final int SIGNALS = 12_000;
  private static final int UPDATES = 3_000;
  private static final int DISTINCT_SIGNAL_REPORTS = 2_400;
  private static final int DISTINCT_UPDATE_REPORTS = 1_000;
  private static final int SIGNAL_THREADS = 4;
  private static final int UPDATE_THREADS = 2; // Temporal admits at most 10 updates in flight
  private static final Duration RETRY_FOR = Duration.ofSeconds(120);
  private static final Duration SEND_FOR = Duration.ofSeconds(240);

  private final PeriodCalendar calendar = new PeriodCalendar(PERIOD);
  private final AtomicLong acceptedQuantity = new AtomicLong();

  /** One report per id, built once: a redelivery carries exactly the same content. */
  private final Map<String, UsageReport> reports = new ConcurrentHashMap<>();

  private final Map<String, Boolean> acceptedIds = new ConcurrentHashMap<>();
  private final AtomicInteger acceptedSignals = new AtomicInteger();
  private final AtomicInteger acceptedUpdates = new AtomicInteger();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> refusedMessages = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> lost = new ConcurrentHashMap<>();
  private volatile Instant sendUntil = Instant.MAX;
  private final AtomicReference<Instant> firstRefusal = new AtomicReference<>();
  private final AtomicReference<Instant> lastRefusal = new AtomicReference<>();

  @Test
  void everySignalAndUpdateOfABurstIsAcceptedAndBilledOnce() throws Exception {
    try (TemporalCliDevServer server = TemporalDevServer.create(WORK, false);
        MarketplaceSimulator simulator =
            MarketplaceSimulator.builder().port(0).period(PERIOD).autoSubscribe(true).build()) {
      simulator.start();
      server.start();
      TemporalConnection connection =
          TemporalConnection.open(
              TemporalConnectionSettings.local(server.address(), "default", QUEUE));
      WorkflowClient client = connection.client();
      WorkerAssembly assembly =
          WorkerAssembly.builder(
                  WorkerSettings.defaults(AwsEndpoints.forSimulator(simulator.endpoint())))
              .build();
      ExecutorService senders = Executors.newFixedThreadPool(SIGNAL_THREADS + UPDATE_THREADS);
      try {
        assembly.startWorker(client, QUEUE);
        start(client);
        Instant began = Instant.now();
        sendUntil = began.plus(SEND_FOR);
        List<Future<?>> sending = new ArrayList<>();
        for (int t = 0; t < SIGNAL_THREADS; t++) {
          int thread = t;
          sending.add(senders.submit(() -> sendSignals(client, thread)));
        }
        for (int t = 0; t < UPDATE_THREADS; t++) {
          int thread = t;
          sending.add(senders.submit(() -> sendUpdates(client, thread)));
        }
        int unfinished = 0;
        for (Future<?> f : sending) {
          try {
            f.get(
                Math.max(1, Duration.between(Instant.now(), sendUntil).toSeconds() + 20),
                TimeUnit.SECONDS);
          } catch (TimeoutException e) {
            unfinished++;
          }
        }
        Instant ended = Instant.now();
        Duration took = Duration.between(began, ended);
        MeteringStatus status = stub(client).status();
        log.info(
            "burst of {} signals and {} updates took {}: accepted {} signals, {} updates,"
                + " quantity {}; messages refused at least once {}, refusals {} from {} to {};"
                + " lost {}; senders unfinished {}; runs {}, reports accepted {}",
            SIGNALS,
            UPDATES,
            took,
            acceptedSignals.get(),
            acceptedUpdates.get(),
            acceptedQuantity.get(),
            refusedMessages,
            failures,
            firstRefusal.get(),
            lastRefusal.get(),
            lost,
            unfinished,
            status.counters().runs(),
            status.counters().reportsAccepted());

        assertThat(unfinished).as("senders still blocked").isZero();
        assertThat(lost).as("messages still refused after %s", RETRY_FOR).isEmpty();
        assertThat(acceptedSignals.get()).isEqualTo(SIGNALS);
        assertThat(acceptedUpdates.get()).isEqualTo(UPDATES);
        assertThat(status.counters().reportsAccepted())
            .as("every distinct report reached the workflow, once")
            .isEqualTo(DISTINCT_SIGNAL_REPORTS + DISTINCT_UPDATE_REPORTS);
        assertThat(status.counters().duplicateReports())
            .as("every redelivery was recognized, also in later runs")
            .isGreaterThanOrEqualTo(
                SIGNALS + UPDATES - DISTINCT_SIGNAL_REPORTS - DISTINCT_UPDATE_REPORTS);
        assertThat(status.counters().runs())
            .as("continued as new within the period")
            .isGreaterThan(1);
        // Unsubscribing meters the open period at once: every period of the burst is then billed.
        stub(client).unsubscribe();
        WorkflowStub.fromTyped(stub(client)).getResult(90, TimeUnit.SECONDS, Void.class);
        List<LedgerEntry> ledger = simulator.ledger(PRODUCT, CUSTOMER);
        log.info("ledger: {}", ledger);
        Map<Instant, List<LedgerEntry>> byPeriod =
            ledger.stream().collect(Collectors.groupingBy(LedgerEntry::timestamp));
        assertThat(byPeriod.values())
            .as("one record per period")
            .allSatisfy(entries -> assertThat(entries).hasSize(1));
        assertThat(ledger.stream().mapToLong(LedgerEntry::quantity).sum())
            .as("the ledger bills exactly what was accepted, once")
            .isEqualTo(acceptedQuantity.get());
        assertThat(byPeriod.keySet())
            .as("only the periods of the burst")
            .allSatisfy(
                p ->
                    assertThat(p)
                        .isBetween(calendar.periodStartOf(began), calendar.periodStartOf(ended)));
      } finally {
        senders.shutdownNow();
        assembly.close();
        connection.close();
      }
    }
  }

  private void sendSignals(WorkflowClient client, int thread) {
    CustomerMeteringWorkflow workflow = stub(client);
    for (int i = thread; i < SIGNALS; i += SIGNAL_THREADS) {
      int n = i % DISTINCT_SIGNAL_REPORTS;
      UsageReport report = report("s-" + n, 1 + n % 3);
      if (deliver("signal", () -> workflow.recordUsage(report))) {
        acceptedSignals.incrementAndGet();
        countOnce(report);
      }
    }
  }

  private void sendUpdates(WorkflowClient client, int thread) {
    CustomerMeteringWorkflow workflow = stub(client);
    for (int i = thread; i < UPDATES; i += UPDATE_THREADS) {
      int n = i % DISTINCT_UPDATE_REPORTS;
      UsageReport report = report("u-" + n, 1 + n % 5);
      // A duplicate answer to a retry means an earlier attempt was applied: counted once either
      // way.
      if (deliver("update", () -> workflow.reportUsage(report))) {
        acceptedUpdates.incrementAndGet();
        countOnce(report);
      }
    }
  }

  /**
   * Sends one message as a careful client does: a refused message is sent again with the same id
   * after a pause, for up to {@link #RETRY_FOR} (and not after {@link #SEND_FOR}). Every refusal is
   * counted.
   */
  private boolean deliver(String kind, Runnable send) {
    Instant giveUp = min(Instant.now().plus(RETRY_FOR), sendUntil);
    boolean refused = false;
    while (true) {
      try {
        send.run();
        return true;
      } catch (RuntimeException e) {
        fail(kind, e);
        if (!refused) {
          refused = true;
          count(refusedMessages, kind);
        }
        if (Instant.now().isAfter(giveUp)) {
          count(lost, kind);
          return false;
        }
        try {
          Thread.sleep(2000);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          count(lost, kind);
          return false;
        }
      }
    }
  }

  private static void count(Map<String, AtomicInteger> counts, String kind) {
    counts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private void fail(String kind, RuntimeException e) {
    Instant now = Instant.now();
    firstRefusal.compareAndSet(null, now);
    lastRefusal.set(now);
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage());
    String key = kind + ": " + message.substring(0, Math.min(100, message.length()));
    failures.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  private UsageReport report(String id, long quantity) {
    return reports.computeIfAbsent(
        id,
        k ->
            new UsageReport(
                k, List.of(new UsageEntry("requests", quantity, Instant.now().toString()))));
  }

  /** Adds a report's quantity to what the ledger must bill, once per report id. */
  private void countOnce(UsageReport report) {
    if (acceptedIds.putIfAbsent(report.id(), Boolean.TRUE) == null) {
      acceptedQuantity.addAndGet(report.usage().get(0).quantity().longValueExact());
    }
  }

  private static void start(WorkflowClient client) {
    MeteringSubscription subscription =
        new MeteringSubscription(
            PRODUCT,
            CustomerId.parse(CUSTOMER),
            List.of("requests"),
            PricingModel.SUBSCRIPTION,
            PERIOD,
            MeteringTuning.builder(PERIOD).verifyDelay(Duration.ZERO).build());
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class, MeteringOptions.customerWorkflow(QUEUE, subscription));
    WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
  }

  private static CustomerMeteringWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(
        CustomerMeteringWorkflow.class, MeteringWorkflowIds.forCustomer(PRODUCT, CUSTOMER));
  }

  private static void sleepUntil(Instant instant) throws InterruptedException {
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), instant).toMillis()));
  }
}
