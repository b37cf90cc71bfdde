package dev.hourmeter.activities;

import static dev.hourmeter.activities.testing.SimulatorFixture.HOUR;
import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.TOO_OLD;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.record;
import static dev.hourmeter.activities.testing.SimulatorFixture.simCustomer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hourmeter.activities.batching.DirectRecordSender;
import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.activities.MeteringSubmissionActivities;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.SubmissionRequest;
import dev.hourmeter.workflows.model.activity.SubmissionResult;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MeteringSubmissionActivitiesImplTest {

  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setHeartbeatTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  private SimulatorFixture fx;
  private TestActivityEnvironment env;
  private MeteringSubmissionActivities activities;
  private final List<SubmissionProgress> heartbeats = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    fx = new SimulatorFixture();
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new MeteringSubmissionActivitiesImpl(
            new DirectRecordSender(fx.gateway.metering(), Duration.ofMillis(1))));
    env.setActivityHeartbeatListener(SubmissionProgress.class, heartbeats::add);
    activities = env.newActivityStub(MeteringSubmissionActivities.class, OPTIONS);
  }

  @AfterEach
  void stop() {
    env.close();
    fx.close();
  }

  /** Subscribes customers 0..n-1 to requests and storage and returns one record per customer. */
  private List<MeteringRecord> customers(int n) {
    List<MeteringRecord> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fx.sim.subscribe(
          SubscriptionSpec.of(PRODUCT, simCustomer(account(i)), "requests", "storage"));
      records.add(record(account(i), "requests", i + 1));
    }
    return records;
  }

  private SubmissionResult submit(List<MeteringRecord> records) {
    return activities.submitUsageRecords(new SubmissionRequest(PRODUCT, records));
  }

  private static Map<String, String> ledgerIds(List<LedgerEntry> ledger) {
    return ledger.stream()
        .collect(
            Collectors.toMap(
                e -> e.customer().value() + "/" + e.dimension(), LedgerEntry::meteringRecordId));
  }

  private static void assertAllSuccessAndInLedger(
      SubmissionResult result, List<LedgerEntry> ledger) {
    Map<String, String> ids = ledgerIds(ledger);
    assertThat(result.results())
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(RecordStatus.SUCCESS);
              assertThat(r.meteringRecordId())
                  .isEqualTo(ids.get(r.record().customer().value() + "/" + r.record().dimension()));
            });
  }

  @Test
  void thirtyRecordsTakeTwoCallsAndAllReachTheLedger() {
    List<MeteringRecord> records = customers(30);

    SubmissionResult result = submit(records);

    assertThat(result.calls()).isEqualTo(2);
    assertThat(fx.meteringCalls()).containsExactly(25, 5);
    assertThat(result.results())
        .extracting(RecordResult::record)
        .containsExactlyElementsOf(records);
    assertThat(fx.sim.ledger()).hasSize(30);
    assertAllSuccessAndInLedger(result, fx.sim.ledger());
    assertThat(fx.sim.ledger())
        .extracting(LedgerEntry::quantity)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, 30).mapToObj(i -> (long) i).toList());
    // The SDK throttles heartbeats: the first one (after the first call) reaches the listener at
    // once.
    assertThat(heartbeats).isNotEmpty();
    assertThat(heartbeats.get(0).finalResults())
        .extracting(RecordResult::record)
        .containsExactlyElementsOf(records.subList(0, 25));
  }

  @Test
  void anUnknownDimensionIsIsolatedAndTheOthersGoThrough() {
    List<MeteringRecord> records = new ArrayList<>(customers(25));
    MeteringRecord bad = new MeteringRecord(account(17), "bogus", HOUR, 3);
    records.set(17, bad);

    SubmissionResult result = submit(records);

    assertThat(result.results())
        .extracting(RecordResult::record)
        .containsExactlyElementsOf(records);
    RecordResult badResult = result.results().get(17);
    assertThat(badResult.status()).isEqualTo(RecordStatus.INVALID);
    assertThat(badResult.meteringRecordId()).isNull();
    assertThat(badResult.detail()).startsWith("InvalidUsageDimensionException").contains("bogus");
    List<RecordResult> others = new ArrayList<>(result.results());
    others.remove(17);
    assertThat(others)
        .extracting(RecordResult::status)
        .containsOnly(RecordStatus.SUCCESS)
        .hasSize(24);
    assertThat(fx.sim.ledger()).hasSize(24).noneMatch(e -> e.dimension().equals("bogus"));
    assertAllSuccessAndInLedger(new SubmissionResult(others, 0), fx.sim.ledger());
    // Bisection: far fewer calls than one per record, more than one.
    assertThat(result.calls()).isBetween(3, 15).isEqualTo(fx.meteringCalls().size());
  }

  @Test
  void identicalResendIsSuccessWithTheSameIdAndAChangedQuantityIsADuplicate() {
    List<MeteringRecord> records = customers(2);
    SubmissionResult first = submit(records);
    List<LedgerEntry> ledgerBefore = fx.sim.ledger();

    SubmissionResult again = submit(records);
    assertThat(again.results()).extracting(RecordResult::status).containsOnly(RecordStatus.SUCCESS);
    assertThat(again.results())
        .extracting(RecordResult::meteringRecordId)
        .containsExactlyElementsOf(
            first.results().stream().map(RecordResult::meteringRecordId).toList());

    MeteringRecord changed = new MeteringRecord(records.get(0).customer(), "requests", HOUR, 999);
    SubmissionResult duplicate = submit(List.of(changed));
    assertThat(duplicate.results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(RecordStatus.DUPLICATE_RECORD);
              assertThat(r.status().accepted()).isFalse();
              assertThat(r.meteringRecordId()).isEqualTo(first.results().get(0).meteringRecordId());
            });
    assertThat(fx.sim.ledger()).isEqualTo(ledgerBefore);
  }

  @Test
  void throttlingFailsTheAttemptRetryablyAndTheNextAttemptResendsOnlyTheRest() {
    List<MeteringRecord> records = customers(30);
    // Throttle the second call (the last 5 records): set the fault when the first call's progress
    // is heartbeated.
    env.setActivityHeartbeatListener(
        SubmissionProgress.class,
        progress -> {
          heartbeats.add(progress);
          if (heartbeats.size() == 1) {
            fx.sim.setFaults(FaultSpec.builder().throttleNext(1).build());
          }
        });

    ActivityFailure failure = catchThrowableOfType(ActivityFailure.class, () -> submit(records));

    assertThat(failure.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo("ThrottlingException");
    assertThat(cause.isNonRetryable()).isFalse();
    assertThat(cause.getNextRetryDelay())
        .isNotNull()
        .isPositive()
        .isLessThanOrEqualTo(MeteringSubmissionActivitiesImpl.MAX_THROTTLE_DELAY);
    assertThat(fx.meteringCalls()).containsExactly(25, 5);
    assertThat(fx.sim.requestLog())
        .last()
        .satisfies(e -> assertThat(e.errorType()).isEqualTo("ThrottlingException"));
    assertThat(fx.sim.ledger()).hasSize(25);
    SubmissionProgress progress = heartbeats.get(heartbeats.size() - 1);
    assertThat(progress.finalResults())
        .hasSize(25)
        .extracting(RecordResult::record)
        .containsExactlyElementsOf(records.subList(0, 25));
    assertThat(progress.finalResults())
        .extracting(RecordResult::status)
        .containsOnly(RecordStatus.SUCCESS);

    // Second attempt, resuming from the heartbeat details.
    fx.sim.clearRequestLog();
    env.setHeartbeatDetails(progress);
    SubmissionResult result = submit(records);

    assertThat(fx.meteringCalls())
        .as("only the 5 records without a final result are sent")
        .containsExactly(5);
    assertThat(result.calls()).isEqualTo(1);
    assertThat(result.results())
        .extracting(RecordResult::record)
        .containsExactlyElementsOf(records);
    assertThat(fx.sim.ledger()).hasSize(30);
    assertAllSuccessAndInLedger(result, fx.sim.ledger());
  }

  @Test
  void serverErrorsFailTheAttemptRetryably() {
    List<MeteringRecord> records = customers(3);
    fx.sim.setFaults(FaultSpec.builder().serverErrorNext(1).build());

    ActivityFailure failure = catchThrowableOfType(ActivityFailure.class, () -> submit(records));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo("InternalServiceErrorException");
    assertThat(cause.isNonRetryable()).isFalse();
    assertThat(cause.getNextRetryDelay()).isNull();
    assertThat(heartbeats).isNotEmpty().allSatisfy(p -> assertThat(p.finalResults()).isEmpty());
    assertThat(fx.sim.ledger()).isEmpty();
  }

  @Test
  void unprocessedRecordsAreResentWithinTheAttempt() {
    List<MeteringRecord> records = customers(10);
    fx.sim.setFaults(FaultSpec.builder().unprocessedNext(3).build());

    SubmissionResult result = submit(records);

    assertThat(fx.meteringCalls()).containsExactly(10, 3);
    assertThat(result.calls()).isEqualTo(2);
    assertThat(fx.sim.ledger()).hasSize(10);
    assertAllSuccessAndInLedger(result, fx.sim.ledger());
  }

  @Test
  void recordsThatStayUnprocessedFailTheAttemptRetryably() {
    List<MeteringRecord> records = customers(4);
    fx.sim.setFaults(FaultSpec.builder().unprocessedRate(1.0).build());

    ActivityFailure failure = catchThrowableOfType(ActivityFailure.class, () -> submit(records));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo("UnprocessedRecords");
    assertThat(cause.isNonRetryable()).isFalse();
    assertThat(fx.meteringCalls()).containsExactly(4, 4, 4, 4);
    assertThat(fx.sim.ledger()).isEmpty();
  }

  @Test
  void anInvalidProductMarksEveryRecordInvalidWithoutBisecting() {
    List<MeteringRecord> records = customers(6);

    SubmissionResult result =
        activities.submitUsageRecords(new SubmissionRequest("no-such-product", records));

    assertThat(result.calls()).isEqualTo(1);
    assertThat(result.results())
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(RecordStatus.INVALID);
              assertThat(r.detail()).startsWith("InvalidProductCodeException");
            });
  }

  @Test
  void outOfWindowTimestampsAreIsolatedAndTheRestSucceeds() {
    List<MeteringRecord> records = new ArrayList<>(customers(5));
    records.set(1, new MeteringRecord(account(1), "requests", TOO_OLD, 2));
    records.set(3, new MeteringRecord(account(3), "requests", TOO_OLD, 4));

    SubmissionResult result = submit(records);

    assertThat(result.results())
        .extracting(RecordResult::status)
        .containsExactly(
            RecordStatus.SUCCESS,
            RecordStatus.TIMESTAMP_OUT_OF_BOUNDS,
            RecordStatus.SUCCESS,
            RecordStatus.TIMESTAMP_OUT_OF_BOUNDS,
            RecordStatus.SUCCESS);
    assertThat(result.results().get(1).detail()).startsWith("TimestampOutOfBoundsException");
    assertThat(result.calls()).as("one failed call, then one call per timestamp").isEqualTo(3);
    assertThat(fx.sim.ledger())
        .hasSize(3)
        .allSatisfy(e -> assertThat(e.timestamp()).isEqualTo(HOUR));
  }

  @Test
  void unsubscribedCustomersAreReportedAsSuch() {
    List<MeteringRecord> records = new ArrayList<>(customers(2));
    fx.sim.subscribe(
        SubscriptionSpec.of(PRODUCT, simCustomer(account(1)), "requests").withSubscribed(false));
    CustomerId stranger = account(77);
    records.add(record(stranger, "requests", 1));

    SubmissionResult result = submit(records);

    assertThat(result.results())
        .extracting(RecordResult::status)
        .containsExactly(
            RecordStatus.SUCCESS,
            RecordStatus.CUSTOMER_NOT_SUBSCRIBED,
            RecordStatus.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(fx.sim.ledger()).hasSize(1);
  }

  @Test
  void severalDimensionsAndPeriodsOfOneCustomerKeepRequestOrder() {
    customers(1);
    CustomerId c = account(0);
    List<MeteringRecord> records =
        List.of(
            new MeteringRecord(c, "storage", HOUR, 2),
            new MeteringRecord(c, "requests", HOUR.minus(Duration.ofHours(1)), 5),
            new MeteringRecord(c, "requests", HOUR, 0));

    SubmissionResult result = submit(records);

    assertThat(result.results())
        .extracting(RecordResult::record)
        .containsExactlyElementsOf(records);
    assertThat(result.results())
        .extracting(RecordResult::status)
        .containsOnly(RecordStatus.SUCCESS);
    Map<String, Long> billed =
        fx.sim.ledger().stream()
            .collect(
                Collectors.toMap(e -> e.dimension() + "@" + e.timestamp(), LedgerEntry::quantity));
    assertThat(billed)
        .containsOnly(
            Map.entry("storage@" + HOUR, 2L),
            Map.entry("requests@" + HOUR.minus(Duration.ofHours(1)), 5L),
            Map.entry("requests@" + HOUR, 0L));
  }

  @Test
  void anEmptyRequestMakesNoCall() {
    SubmissionResult result = submit(List.of());
    assertThat(result.results()).isEmpty();
    assertThat(result.calls()).isZero();
    assertThat(fx.sim.requestLog()).isEmpty();
  }
}
