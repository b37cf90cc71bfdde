package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuningBuilder;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * The real customer workflow on a time-skipping test server with {@link FakeActivities}: no
 * simulator, no HTTP. Hourly periods starting 20 minutes into hour 0, so the first close is at
 * 01:05 (grace PT5M). On {@link #close()} every history it produced is replayed against the
 * workflow code, so a test also fails when its run is not deterministic.
 */
final class FakeActivityEnvironment implements AutoCloseable {

  static final Instant H00 = Instant.parse("2026-11-26T00:00:00Z");
  static final String PRODUCT = "prod-fake";

  final FakeActivities fakes = new FakeActivities();
  final TestWorkflowEnvironment temporal;
  private volatile boolean stuck;
  final WorkflowClient client;
  private final List<WorkflowExecution> started = new ArrayList<>();

  FakeActivityEnvironment() {
    TestEnvironmentOptions.Builder options =
        TestEnvironmentOptions.newBuilder()
            .setInitialTime(at(0, 20))
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder()
                    .setDataConverter(ValidatorFailureConverter.dataConverter())
                    .build());
    MeteringSearchAttributes.ALL.forEach(options::registerSearchAttribute);
    temporal = TestWorkflowEnvironment.newInstance(options.build());
    Worker worker = temporal.newWorker(TaskQueues.METERING);
    worker.registerWorkflowImplementationTypes(CustomerMeteringWorkflowImpl.class);
    worker.registerActivitiesImplementations(fakes.all());
    temporal.start();
    client = temporal.getWorkflowClient();
  }

  /**
   * Hourly metering whose window is counted in periods, six of them (AWS's rule before 2026-07),
   * and every period closing at its end plus grace (no close spread), as these tests were written
   * for; {@code CloseSpreadWorkflowTest} covers the spread.
   */
  static MeteringSubscription subscription(String customer, String... dimensions) {
    MeteringSubscription plain =
        MeteringSubscription.of(
            PRODUCT,
            CustomerId.parse(customer),
            List.of(dimensions),
            PricingModel.SUBSCRIPTION,
            Duration.ofHours(1));
    return plain.withTuning(
        plain.tuning().toBuilder().window(Duration.ofHours(6)).closeSpread(Duration.ZERO).build());
  }

  static MeteringSubscription subscription(
      String customer, UnaryOperator<MeteringTuningBuilder> tuning, String... dimensions) {
    MeteringSubscription plain = subscription(customer, dimensions);
    return plain.withTuning(tuning.apply(plain.tuning().toBuilder()).build());
  }

  CustomerMeteringWorkflow start(MeteringSubscription subscription) {
    return start(CustomerMeteringInput.start(subscription));
  }

  /** Starts a run from {@code input} (for example one carrying a checkpoint). */
  CustomerMeteringWorkflow start(CustomerMeteringInput input) {
    CustomerMeteringWorkflow stub =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class,
            MeteringOptions.customerWorkflow(TaskQueues.METERING, input.subscription()));
    started.add(WorkflowClient.start(stub::run, input));
    return stub;
  }

  static String workflowId(MeteringSubscription subscription) {
    return MeteringWorkflowIds.forCustomer(subscription.productCode(), subscription.customer());
  }

  /** The workflow's current value of a search attribute, as the server indexed it. */
  String searchAttribute(
      MeteringSubscription subscription, io.temporal.common.SearchAttributeKey<String> key) {
    return client
        .newUntypedWorkflowStub(workflowId(subscription))
        .describe()
        .getTypedSearchAttributes()
        .get(key);
  }

  Instant now() {
    return Instant.ofEpochMilli(temporal.currentTimeMillis());
  }

  /**
   * Skips time forward to {@code instant}: timers fire, activities run (fakes, at once). Throws
   * {@link TimeSkippingStuck} when the test server has not got there after {@link
   * #SLEEP_REAL_TIME_LIMIT} of real time: its time skipping then stays locked for good
   * (temporalio/sdk-java#2670), and the test would otherwise wait for the whole skipped span in
   * real time.
   */
  void sleepUntil(Instant instant) {
    Duration wait = Duration.between(now(), instant);
    if (!wait.isPositive()) {
      return;
    }
    FutureTask<Void> sleep = new FutureTask<>(() -> temporal.sleep(wait), null);
    Thread sleeper = new Thread(sleep, "time-skipping-sleep");
    sleeper.setDaemon(true);
    sleeper.start();
    try {
      sleep.get(SLEEP_REAL_TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      stuck = true;
      throw new TimeSkippingStuck(wait, instant);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while skipping time", e);
    }
  }

  /**
   * How long in real time one {@link #sleepUntil} may take: under a second when healthy (the whole
   * state-size attack takes about 1 s), a few seconds on a loaded 2-core machine. A hang (seen in a
   * clean CI run) cost the full limit, so it is kept short.
   */
  static final Duration SLEEP_REAL_TIME_LIMIT = Duration.ofSeconds(30);

  /** The time-skipping test server stopped advancing time (temporalio/sdk-java#2670). */
  static final class TimeSkippingStuck extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TimeSkippingStuck(Duration wait, Instant instant) {
      super(
          "the time-skipping test server did not skip "
              + wait
              + " (to "
              + instant
              + ") within "
              + SLEEP_REAL_TIME_LIMIT
              + " of real time: its time stays locked (temporalio/sdk-java#2670)");
    }
  }

  static Instant at(int hours, int minutes) {
    return H00.plus(Duration.ofHours(hours)).plus(Duration.ofMinutes(minutes));
  }

  static UsageReport report(String id, String dimension, long quantity, Instant at) {
    return new UsageReport(id, List.of(new UsageEntry(dimension, quantity, at.toString())));
  }

  private static void replay(WorkflowExecutionHistory history) {
    try {
      WorkflowReplayer.replayWorkflowExecution(history, CustomerMeteringWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError(
          "history of " + history.getWorkflowExecution() + " does not replay", e);
    }
  }

  @Override
  public void close() {
    if (stuck) {
      // The server's time is locked and a sleep is still blocked on it: nothing to replay that the
      // retry will not produce again; close without waiting on the blocked call.
      Thread closer = new Thread(temporal::close, "stuck-environment-close");
      closer.setDaemon(true);
      closer.start();
      return;
    }
    try {
      for (WorkflowExecution execution : started) {
        // The first run, and the latest one when it continued as new.
        replay(client.fetchHistory(execution.getWorkflowId(), execution.getRunId()));
        replay(client.fetchHistory(execution.getWorkflowId()));
      }
    } finally {
      temporal.close();
    }
  }
}
