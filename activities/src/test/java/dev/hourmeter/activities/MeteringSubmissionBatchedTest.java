package dev.hourmeter.activities;

import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.record;
import static dev.hourmeter.activities.testing.SimulatorFixture.simCustomer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hourmeter.activities.batching.MeteringBatcher;
import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.activities.MeteringSubmissionActivities;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.SubmissionRequest;
import dev.hourmeter.workflows.model.activity.SubmissionResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SubmitUsageRecords through the worker's {@link MeteringBatcher}, against the simulator with its
 * 10 TPS quota.
 */
class MeteringSubmissionBatchedTest {

  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setHeartbeatTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  private SimulatorFixture fx;
  private MeteringBatcher batcher;
  private TestActivityEnvironment env;
  private MeteringSubmissionActivities activities;
  private final List<SubmissionProgress> heartbeats = new CopyOnWriteArrayList<>();

  private void start(Function<MeteringBatcher.Builder, MeteringBatcher.Builder> config) {
    fx = new SimulatorFixture(MarketplaceSimulator.builder(), 10);
    batcher = config.apply(MeteringBatcher.builder(fx.gateway).registry(fx.registry)).build();
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new MeteringSubmissionActivitiesImpl(batcher, Duration.ofMillis(50)));
    env.setActivityHeartbeatListener(SubmissionProgress.class, heartbeats::add);
    activities = env.newActivityStub(MeteringSubmissionActivities.class, OPTIONS);
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
    if (batcher != null) {
      batcher.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  private List<MeteringRecord> customers(int from, int n) {
    List<MeteringRecord> records = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      fx.sim.subscribe(
          SubscriptionSpec.of(PRODUCT, simCustomer(account(i)), "requests", "storage"));
      records.add(record(account(i), "requests", i + 1));
    }
    return records;
  }

  private SubmissionResult submit(List<MeteringRecord> records) {
    return activities.submitUsageRecords(new SubmissionRequest(PRODUCT, records));
  }

  private void assertAllSuccessAndInLedger(List<RecordResult> results) {
    Map<String, String> ids =
        fx.sim.ledger().stream()
            .collect(
                Collectors.toMap(
                    e -> e.customer().value() + "/" + e.dimension(),
                    LedgerEntry::meteringRecordId));
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(RecordStatus.SUCCESS);
              assertThat(r.meteringRecordId())
                  .isNotNull()
                  .isEqualTo(ids.get(r.record().customer().value() + "/" + r.record().dimension()));
            });
  }

  @Test
  void theActivityHeartbeatsWhileWaitingAndReturnsResultsInRequestOrder() {
    start(b -> b.linger(Duration.ofMillis(400)));
    List<MeteringRecord> records = customers(0, 30);

    SubmissionResult result = submit(records);

    assertThat(result.results())
        .extracting(RecordResult::record)
        .containsExactlyElementsOf(records);
    assertAllSuccessAndInLedger(result.results());
    assertThat(fx.sim.ledger()).hasSize(30);
    assertThat(fx.meteringCalls()).containsExactly(25, 5);
    assertThat(result.calls()).isEqualTo(2);
    assertThat(heartbeats).as("progress heartbeated while the last 5 records linger").isNotEmpty();
  }

  @Test
  void aRetriedAttemptResendsOnlyRecordsWithoutAFinalResult() {
    start(b -> b.linger(Duration.ofMillis(50)));
    List<MeteringRecord> records = customers(0, 30);
    SubmissionResult first = submit(records);
    fx.sim.clearRequestLog();

    env.setHeartbeatDetails(new SubmissionProgress(first.results().subList(0, 25)));
    SubmissionResult result = submit(records);

    assertThat(fx.meteringCalls()).containsExactly(5);
    assertThat(result.calls()).isEqualTo(1);
    assertThat(result.results()).isEqualTo(first.results());
    assertThat(fx.sim.ledger()).hasSize(30);
  }

  @Test
  void anActivitySharesOneCallWithOtherCustomersAndCountsItOnce() throws Exception {
    start(b -> b.linger(Duration.ofMillis(500)));
    // Other customers' activities (here straight through the batcher), then this activity's 3
    // records.
    List<CompletableFuture<dev.hourmeter.activities.batching.RecordOutcome>> others =
        new ArrayList<>();
    for (MeteringRecord r : customers(100, 22)) {
      others.addAll(batcher.submit(PRODUCT, List.of(r)));
    }
    List<MeteringRecord> records = customers(0, 3);

    SubmissionResult result = submit(records);

    assertThat(result.results())
        .extracting(RecordResult::record)
        .containsExactlyElementsOf(records);
    assertAllSuccessAndInLedger(result.results());
    assertThat(result.calls()).isEqualTo(1);
    for (CompletableFuture<dev.hourmeter.activities.batching.RecordOutcome> f : others) {
      assertThat(f.get(1, TimeUnit.MINUTES).result().status()).isEqualTo(RecordStatus.SUCCESS);
    }
    assertThat(fx.meteringCalls()).containsExactly(25);
  }

  @Test
  void persistentThrottlingFailsTheAttemptRetryablyWithADelay() {
    start(b -> b.linger(Duration.ZERO).maxRetries(1).retryBackoff(Duration.ofMillis(10)));
    List<MeteringRecord> records = customers(0, 3);
    fx.sim.setFaults(FaultSpec.builder().throttleRate(1.0).build());

    ActivityFailure failure = catchThrowableOfType(ActivityFailure.class, () -> submit(records));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo("ThrottlingException");
    assertThat(cause.isNonRetryable()).isFalse();
    assertThat(cause.getNextRetryDelay()).isNotNull().isPositive();
    assertThat(fx.meteringCalls()).containsExactly(3, 3);
    assertThat(fx.sim.ledger()).isEmpty();
  }
}
