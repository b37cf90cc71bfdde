package dev.hourmeter.it;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.simulator.AgreementEventSink;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.simulator.SimulatorConfig;
import dev.hourmeter.worker.WorkerAssembly;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.Batching;
import dev.hourmeter.worker.settings.WorkerSettings;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.ValidatorFailureConverter;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A time-skipping Temporal test environment running the real workflow and the real activities,
 * which call the real Marketplace simulator over HTTP through the AWS SDK. The simulator runs on
 * the test environment's clock, so its timestamp window agrees with skipped-ahead workflow time.
 */
final class MeteringTestEnvironment implements AutoCloseable {

  /** Tests start 20 minutes into an hour, so the first period closes at 01:05 (grace PT5M). */
  static final Instant START = Instant.parse("2026-11-26T00:20:00Z");

  /**
   * The batcher's linger here: real time that time skipping cannot skip, paid by every submission
   * of a lone workflow (production's 1 s made each simulated period cost a real second). What the
   * linger does is the batcher's tests' subject (activities module), not these.
   */
  static final Duration TEST_LINGER = Duration.ofMillis(10);

  /** The worker's LookupEvents rate here: high enough never to wait. */
  private static final double UNPACED_LOOKUPS_PER_SECOND = 1_000;

  final TestWorkflowEnvironment temporal;
  final MarketplaceSimulator simulator;
  final MarketplaceGateway gateway;
  final WorkflowClient client;

  /** FindSuccessor here: tests link a renewed license's workflow to its successor's. */
  final TestSuccessors successors = new TestSuccessors();

  /** The workflow's metrics (Temporal SDK scope reported into Micrometer every 50 ms). */
  final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

  private final Scope metricsScope =
      new RootScopeBuilder()
          .reporter(new MicrometerClientStatsReporter(metrics))
          .reportEvery(com.uber.m3.util.Duration.ofMillis(50));

  private final WorkerAssembly assembly;

  MeteringTestEnvironment(UsageSource usageSource) {
    this(usageSource, true, Duration.ofHours(1));
  }

  /**
   * {@code batching} off: each attempt sends its records in its own calls and a retryable error
   * ends the attempt at once (no real-time backoff inside an attempt; for long outages). {@code
   * simulatorPeriod}: the simulator's hour (its dedup key and window), to match short periods.
   */
  MeteringTestEnvironment(UsageSource usageSource, boolean batching, Duration simulatorPeriod) {
    this(usageSource, batching, simulatorPeriod, false, START);
  }

  /** The same, with workflow time (and the simulator's clock) starting at {@code start}. */
  MeteringTestEnvironment(
      UsageSource usageSource, boolean batching, Duration simulatorPeriod, Instant start) {
    this(usageSource, batching, simulatorPeriod, false, start);
  }

  /**
   * {@code autoSubscribe}: the simulator's auto-subscribe mode (customers not configured are
   * entitled to every product, and a license no subscription holds belongs to the first account
   * metering with it).
   */
  MeteringTestEnvironment(
      UsageSource usageSource, boolean batching, Duration simulatorPeriod, boolean autoSubscribe) {
    this(usageSource, batching, simulatorPeriod, autoSubscribe, START);
  }

  MeteringTestEnvironment(
      UsageSource usageSource,
      boolean batching,
      Duration simulatorPeriod,
      boolean autoSubscribe,
      Instant start) {
    this(usageSource, batching, simulatorPeriod, autoSubscribe, start, null);
  }

  /**
   * The simulator's agreement events go to {@code eventSink} (e.g. an SQS queue the intake reads);
   * null keeps them in memory.
   */
  MeteringTestEnvironment(UsageSource usageSource, AgreementEventSink eventSink) {
    this(usageSource, true, Duration.ofHours(1), false, START, eventSink, TEST_LINGER);
  }

  private MeteringTestEnvironment(
      UsageSource usageSource,
      boolean batching,
      Duration simulatorPeriod,
      boolean autoSubscribe,
      Instant start,
      AgreementEventSink eventSink) {
    this(usageSource, batching, simulatorPeriod, autoSubscribe, start, eventSink, TEST_LINGER);
  }

  /**
   * Batching on, hourly periods, auto-subscribe as given, and production's 1 s linger: for tests
   * whose workflows submit at the same time and must share BatchMeterUsage calls (a short linger
   * could send the first one's records before the second's arrive).
   */
  static MeteringTestEnvironment withProductionLinger(
      UsageSource usageSource, boolean autoSubscribe) {
    return new MeteringTestEnvironment(
        usageSource,
        true,
        Duration.ofHours(1),
        autoSubscribe,
        START,
        null,
        Batching.DEFAULT_LINGER);
  }

  private MeteringTestEnvironment(
      UsageSource usageSource,
      boolean batching,
      Duration simulatorPeriod,
      boolean autoSubscribe,
      Instant start,
      AgreementEventSink eventSink,
      Duration linger) {
    TestEnvironmentOptions.Builder options =
        TestEnvironmentOptions.newBuilder()
            .setInitialTime(start)
            .setMetricsScope(metricsScope)
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder()
                    .setDataConverter(ValidatorFailureConverter.dataConverter())
                    .build());
    MeteringSearchAttributes.ALL.forEach(options::registerSearchAttribute);
    temporal = TestWorkflowEnvironment.newInstance(options.build());
    MarketplaceSimulator.Builder simulatorBuilder =
        MarketplaceSimulator.builder()
            .port(0)
            .period(simulatorPeriod)
            .autoSubscribe(autoSubscribe)
            // Without batching nothing paces the calls, and skipped time lets retries come many
            // times faster than the simulator's real-time quota: AWS's limit is not under test.
            .meteringTps(batching ? SimulatorConfig.DEFAULT_METERING_TPS : 0)
            // Nor is CloudTrail's 2 TPS: paced in real time, it cost each simulated period's
            // receipt check about half a real second (the pacing has its own tests).
            .lookupTps(0)
            .clock(() -> Instant.ofEpochMilli(temporal.currentTimeMillis()));
    if (eventSink != null) {
      simulatorBuilder.eventSink(eventSink);
    }
    simulator = simulatorBuilder.build();
    simulator.start();
    assembly =
        WorkerAssembly.builder(
                WorkerSettings.defaults(unpacedCloudTrail(simulator.endpoint()))
                    .withBatching(new Batching(batching, linger, Batching.DEFAULT_METERING_TPS)))
            .usageSource(usageSource)
            .clock(new TestEnvironmentClock())
            .succession(successors)
            .build();
    gateway = assembly.gateway();
    assembly.register(temporal.newWorker(TaskQueues.METERING));
    temporal.start();
    client = temporal.getWorkflowClient();
  }

  /** The simulator's endpoints, LookupEvents calls not paced (see {@code lookupTps(0)} above). */
  private static AwsEndpoints unpacedCloudTrail(URI simulator) {
    AwsEndpoints endpoints = AwsEndpoints.forSimulator(simulator);
    return new AwsEndpoints(
        endpoints.region(),
        endpoints.meteringEndpoint(),
        endpoints.entitlementEndpoint(),
        endpoints.cloudTrailEndpoint(),
        UNPACED_LOOKUPS_PER_SECOND,
        endpoints.simulator());
  }

  CustomerMeteringWorkflow start(MeteringSubscription subscription) {
    CustomerMeteringWorkflow stub =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class,
            MeteringOptions.customerWorkflow(TaskQueues.METERING, subscription));
    WorkflowClient.start(stub::run, CustomerMeteringInput.start(subscription));
    return stub;
  }

  CustomerMeteringWorkflow stubFor(MeteringSubscription subscription) {
    return client.newWorkflowStub(
        CustomerMeteringWorkflow.class,
        MeteringWorkflowIds.forCustomer(subscription.productCode(), subscription.customer()));
  }

  Instant now() {
    return Instant.ofEpochMilli(temporal.currentTimeMillis());
  }

  /** Skips workflow time forward to {@code instant} (timers fire, activities run for real). */
  void sleepUntil(Instant instant) {
    Duration wait = Duration.between(now(), instant);
    if (wait.isPositive()) {
      temporal.sleep(wait);
    }
  }

  MeteringStatus status(CustomerMeteringWorkflow stub) {
    return stub.status();
  }

  List<LedgerEntry> ledger(String productCode, String customer) {
    return simulator.ledger().stream()
        .filter(e -> e.productCode().equals(productCode) && e.customer().value().equals(customer))
        .toList();
  }

  List<RequestLogEntry> meteringRequests() {
    return simulator.requestLog().stream()
        .filter(r -> r.operation().equals("BatchMeterUsage"))
        .toList();
  }

  /**
   * The workflow counter {@code name} with tag {@code tag=value}, summed over its other tags, once
   * it reached {@code expected} or stopped changing for a second (the scope reports every 50 ms).
   */
  long awaitCounter(String name, String tag, String value, long expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long last = -1;
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now =
          (long)
              metrics.find(name).tag(tag, value).counters().stream()
                  .mapToDouble(Counter::count)
                  .sum();
      if (now == expected) {
        return now;
      }
      if (now != last) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(1)) {
        return now;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return now;
      }
    }
    return last;
  }

  @Override
  public void close() {
    temporal.close();
    assembly.close();
    simulator.close();
  }

  /**
   * The test environment's skipped-ahead time as a {@link Clock}, for the worker-side CloudTrail
   * index.
   */
  private final class TestEnvironmentClock extends Clock {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(temporal.currentTimeMillis());
    }
  }
}
