package dev.hourmeter.devtools.bench;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.TemporalConnectionSettings;
import dev.hourmeter.devtools.temporal.DevTemporalServer;
import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.worker.WorkerAssembly;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.Batching;
import dev.hourmeter.worker.settings.WorkerCapacity;
import dev.hourmeter.worker.settings.WorkerSettings;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.MeteringTuningBuilder;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.state.PeriodCalendar;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One benchmark run: N customers with D dimensions each meter through one worker against the real
 * Temporal dev server (when a {@code temporal} binary is found; else the in-process server) and the
 * simulator, which enforces AWS's 10 BatchMeterUsage calls per second. The figures come from the
 * simulator's own request log and ledger and from real workflow histories ({@link HistorySampler}),
 * and from the JVM ({@link JvmProbe}).
 */
public final class BenchRunner {

  private static final Logger log = LoggerFactory.getLogger(BenchRunner.class);
  private static final String PRODUCT = "bench-product";
  private static final String TASK_QUEUE = "hourmeter-bench";

  /**
   * What to run. {@code licensed}: customers are licenses of AWS accounts, two per account ({@link
   * BenchCustomers}). {@code entitlementMaxAge}: null for the workflow's default. {@code
   * serverMode}: auto, cli or in-process. {@code tagSets}: 0 for untagged (zero) usage, else that
   * many tag sets per record ({@link TaggedBenchUsage}). {@code closeSpread}: null for the
   * workflow's default (a third of a period shorter than an hour).
   */
  public record Options(
      int customers,
      int dimensions,
      boolean licensed,
      Duration period,
      Batching batching,
      Duration entitlementMaxAge,
      String serverMode,
      Path workDir,
      int tagSets,
      Duration closeSpread) {}

  private final Options options;
  private final PeriodCalendar calendar;
  private final MeteringTuning tuning;

  public BenchRunner(Options options) {
    this.options = options;
    this.calendar = new PeriodCalendar(options.period());
    MeteringTuningBuilder tuning = MeteringTuning.builder(options.period());
    if (options.entitlementMaxAge() != null) {
      tuning.entitlementMaxAge(options.entitlementMaxAge());
    }
    if (options.closeSpread() != null) {
      tuning.closeSpread(options.closeSpread());
    }
    this.tuning = tuning.build();
  }

  public BenchReport run() throws Exception {
    Path binary =
        "in-process".equals(options.serverMode())
            ? null
            : TemporalCliDevServer.findBinary().orElse(null);
    if (binary == null && "cli".equals(options.serverMode())) {
      throw new IllegalArgumentException(
          "--server cli: no 'temporal' binary found (TEMPORAL_BIN or PATH)");
    }
    String serverName =
        binary != null ? "temporal CLI dev server (" + binary + ")" : "in-process test server";
    log.info(
        "bench: {}{} customers x {} dimensions, period {}, close spread {}, {}, server: {}",
        options.customers(),
        options.licensed() ? " licensed" : "",
        options.dimensions(),
        options.period(),
        tuning.closeSpread(),
        options.batching(),
        serverName);
    try (ServerHandle server = startServer(binary);
        MarketplaceSimulator simulator =
            MarketplaceSimulator.builder()
                .port(0)
                .period(options.period())
                .autoSubscribe(true)
                .build()
                .start();
        TemporalConnection connection =
            TemporalConnection.open(
                TemporalConnectionSettings.local(server.address(), "default", TASK_QUEUE));
        WorkerAssembly assembly = assembly(simulator)) {
      // The CLI dev server has them already; the in-process one does not.
      connection.registerSearchAttributes();
      assembly.startWorker(connection.client(), TASK_QUEUE);
      return measure(connection.client(), simulator, serverName);
    }
  }

  /** The worker; with tag sets, every customer's usage comes from a {@link TaggedBenchUsage}. */
  private WorkerAssembly assembly(MarketplaceSimulator simulator) {
    WorkerAssembly.Builder builder =
        WorkerAssembly.builder(
            WorkerSettings.defaults(AwsEndpoints.forSimulator(simulator.endpoint()))
                .withBatching(options.batching())
                .withCapacity(WorkerCapacity.forCustomers(options.customers()), true));
    if (options.tagSets() > 0) {
      builder.usageSource(new TaggedBenchUsage(dimensionNames(), options.tagSets()));
    }
    return builder.build();
  }

  private List<String> dimensionNames() {
    return IntStream.rangeClosed(1, options.dimensions()).mapToObj(i -> "dim-" + i).toList();
  }

  private BenchReport measure(
      WorkflowClient client, MarketplaceSimulator simulator, String serverName) throws Exception {
    Instant startBegin = Instant.now();
    startCustomers(client);
    double startSeconds = Duration.between(startBegin, Instant.now()).toMillis() / 1000.0;
    // First periods follow first workflow tasks, which lag the starts on a busy machine: half a
    // period of slack keeps the measured one from being any customer's first (entitlement checks).
    Instant measured =
        calendar.next(calendar.periodStartOf(Instant.now().plus(options.period().dividedBy(2))));
    Instant periodEnd = calendar.next(measured);
    log.info(
        "started {} customers in {} s; measuring period {} (closes {})",
        options.customers(),
        startSeconds,
        measured,
        periodEnd);

    long expected = (long) options.customers() * options.dimensions();
    sleepUntil(periodEnd);
    JvmProbe.resetPeakHeap();
    long cpuBefore = JvmProbe.processCpuNanos();
    Instant deadline = periodEnd.plus(options.period().multipliedBy(3));
    // Only the entries added since the last look are read: this loop runs in the measured process,
    // and filtering the whole ledger (every period's records) four times a second was a share of
    // the CPU it measures at 10,000 customers.
    List<LedgerEntry> accepted = new ArrayList<>();
    int seen = 0;
    while (Instant.now().isBefore(deadline)) {
      List<LedgerEntry> ledger = simulator.ledger();
      for (int i = seen; i < ledger.size(); i++) {
        if (ledger.get(i).timestamp().equals(measured)) {
          accepted.add(ledger.get(i));
        }
      }
      seen = ledger.size();
      if (accepted.size() >= expected) {
        break;
      }
      Thread.sleep(250);
    }
    long cpuAfter = JvmProbe.processCpuNanos();
    double peakHeapMb = JvmProbe.peakHeapBytes() / 1e6;
    if (accepted.size() < expected) {
      log.warn(
          "only {} of {} records of {} were accepted by {} (three periods after its end)",
          accepted.size(),
          expected,
          measured,
          deadline);
    }
    Instant lastAccepted =
        accepted.stream()
            .map(LedgerEntry::acceptedAt)
            .max(Comparator.naturalOrder())
            .orElse(deadline);
    List<RequestLogEntry> calls =
        simulator.requestLog().stream()
            .filter(r -> r.operation().equals("BatchMeterUsage"))
            .filter(
                r -> !r.receivedAt().isBefore(periodEnd) && !r.receivedAt().isAfter(lastAccepted))
            .toList();
    List<RequestLogEntry> ok = calls.stream().filter(r -> r.status() == 200).toList();
    long entitlementCalls =
        simulator.requestLog().stream()
            .filter(r -> r.operation().equals("GetEntitlements"))
            .filter(
                r -> !r.receivedAt().isBefore(periodEnd) && !r.receivedAt().isAfter(lastAccepted))
            .count();
    long minimumCalls = Math.max(1, (accepted.size() + 24) / 25);
    double makespan =
        ok.isEmpty()
            ? 0
            : Duration.between(ok.get(0).receivedAt(), ok.get(ok.size() - 1).receivedAt())
                    .toMillis()
                / 1000.0;
    double quotaBound = ok.size() / options.batching().meteringTps();
    if (!ok.isEmpty()) {
      log.info(
          "first BatchMeterUsage call {} ms after the period end, last {} ms after",
          Duration.between(periodEnd, ok.get(0).receivedAt()).toMillis(),
          Duration.between(periodEnd, ok.get(ok.size() - 1).receivedAt()).toMillis());
    }
    double[] history =
        HistorySampler.sample(client, PRODUCT, options.customers(), options.licensed());
    double heapPerThousand = JvmProbe.heapInUseAfterGcBytes() / 1e6 / options.customers() * 1000.0;
    // Every action of the measured period's closes: its close timer fires from the period's end on,
    // and the next close's timer is started when its submission completes.
    long peakActions =
        ActionRate.peakPerSecond(
            client,
            PRODUCT,
            options.customers(),
            options.licensed(),
            periodEnd,
            periodEnd.plus(options.period()));
    return new BenchReport(
        serverName,
        options.batching().enabled(),
        options.batching().linger().toMillis() / 1000.0,
        options.batching().meteringTps(),
        options.customers(),
        options.dimensions(),
        options.licensed(),
        options.period().toSeconds(),
        tuning.entitlementMaxAge().toSeconds(),
        startSeconds,
        expected,
        accepted.size(),
        ok.size(),
        calls.size() - ok.size(),
        accepted.size() / (double) Math.max(1, ok.size()),
        ok.size() / (double) minimumCalls,
        entitlementCalls,
        quotaBound,
        makespan,
        quotaBound == 0 ? 0 : makespan / quotaBound,
        Duration.between(periodEnd, lastAccepted).toMillis() / 1000.0,
        history[0],
        peakActions,
        tuning.closeSpread().toMillis() / 1000.0,
        history[1],
        history[1] * Duration.ofDays(1).dividedBy(Duration.ofHours(1)),
        (cpuAfter - cpuBefore) / 1e9,
        peakHeapMb,
        heapPerThousand,
        options.tagSets(),
        ok.stream().mapToInt(RequestLogEntry::requestBytes).average().orElse(0),
        ok.stream().mapToInt(RequestLogEntry::requestBytes).max().orElse(0),
        accepted.stream().mapToLong(e -> e.allocations().size()).sum());
  }

  private void startCustomers(WorkflowClient client) throws Exception {
    List<String> dimensions = dimensionNames();
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      List<Future<?>> started = new ArrayList<>();
      for (int i = 1; i <= options.customers(); i++) {
        MeteringSubscription subscription =
            new MeteringSubscription(
                PRODUCT,
                BenchCustomers.customer(i, options.licensed()),
                dimensions,
                PricingModel.SUBSCRIPTION,
                options.period(),
                tuning);
        started.add(
            pool.submit(
                () -> {
                  CustomerMeteringWorkflow workflow =
                      client.newWorkflowStub(
                          CustomerMeteringWorkflow.class,
                          MeteringOptions.customerWorkflow(TASK_QUEUE, subscription));
                  WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
                }));
      }
      for (Future<?> future : started) {
        future.get();
      }
    }
  }

  private ServerHandle startServer(Path binary) throws IOException, InterruptedException {
    if (binary != null) {
      TemporalCliDevServer server =
          TemporalCliDevServer.create(binary, options.workDir().resolve("temporal"), false).start();
      return new ServerHandle(server.address(), server::close);
    }
    int port = TemporalCliDevServer.freePort();
    DevTemporalServer server = DevTemporalServer.start(port);
    return new ServerHandle("127.0.0.1:" + port, server::close);
  }

  /** The Temporal server of the run, whichever kind it is. */
  private record ServerHandle(String address, Closer closer) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      closer.close();
    }
  }

  @FunctionalInterface
  private interface Closer {
    void close() throws IOException;
  }

  private static void sleepUntil(Instant instant) throws InterruptedException {
    long millis = Duration.between(Instant.now(), instant).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }
}
