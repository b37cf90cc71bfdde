package dev.hourmeter.it;

import static dev.hourmeter.it.MeteringTestEnvironment.START;
import static dev.hourmeter.it.TestCustomers.H00;
import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.simulator.CustomerId;
import dev.hourmeter.simulator.EntitlementSpec;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.MigrationResult;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.state.CloseOffset;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Records the golden histories that {@code GoldenHistoryReplayTest} (workflows module) replays
 * against every later version of the workflow. Each test drives one scenario on the real workflow,
 * real activities and the real simulator (time skipping), asserts that it reached its intended
 * outcome, and writes every run's history through {@link GoldenHistoryWriter}.
 *
 * <p>Run only when asked to record: its name does not end in {@code Test}, so {@code mvn verify}
 * does not select it; {@code -Dtest=GoldenHistoryRecorder} does. Without {@code golden.out} it
 * writes to {@code worker/target/golden-histories} (a dry run). To record a new version into the
 * checked-in folder (one step; see docs/workflow-versioning.md), from the repository root:
 *
 * <pre>
 * env -u JAVA_HOME mvn -B verify -pl worker -am -Dtest=GoldenHistoryRecorder \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=NONE -Dfailsafe.failIfNoSpecifiedTests=false \
 *   -Dgolden.out=$PWD/workflows/src/test/resources/golden-histories/CHANGE-ID
 * </pre>
 */
class GoldenHistoryRecorder {

  private static final String PRODUCT = "prod-golden";

  private final GoldenHistoryWriter writer = GoldenHistoryWriter.fromSystemProperty();
  private final InMemoryUsageSource usageSource = new InMemoryUsageSource();
  private final MeteringTestEnvironment env = new MeteringTestEnvironment(usageSource);
  private final TestCustomers customers = new TestCustomers(env, PRODUCT);

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void ordinaryPeriodsWithZeroRecords() {
    MeteringSubscription subscription =
        customers.subscribed("cust-ordinary", "requests", "storage");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "r-1", at(0, 30), 5);

    env.sleepUntil(at(4, 10)); // periods 00..03 submitted, 00..02 verified

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-ordinary");
    assertThat(ledger)
        .filteredOn(e -> e.quantity() == 0)
        .as("idle periods and the unused dimension are metered as zero records")
        .hasSize(7);
    assertThat(ledger).extracting(LedgerEntry::quantity).containsOnly(0L, 5L).hasSize(8);
    MeteringStatus status = workflow.status();
    assertThat(status.state()).isEqualTo(MeteringState.ACTIVE);
    assertThat(status.counters().recordsVerified()).isEqualTo(6);
    record("ordinary-zero-records", workflow);
  }

  @Test
  void lateUsageCarriedForward() {
    MeteringSubscription subscription = customers.subscribed("cust-late", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "on-time", at(0, 30), 3);
    env.sleepUntil(at(1, 10)); // 00:00 was submitted at 01:05

    UsageReceipt receipt = workflow.reportUsage(usage("late", at(0, 45), 2));
    env.sleepUntil(at(2, 10));

    assertThat(receipt.carried()).isTrue();
    assertThat(env.ledger(PRODUCT, "cust-late"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactlyInAnyOrder(tuple(hour(0), 3L), tuple(hour(1), 2L));
    assertThat(workflow.status().carried())
        .containsExactly(
            new CarriedUsage(
                "requests", BigDecimal.valueOf(2), hour(0), hour(1), CarriedUsage.LATE));
    record("late-usage-carried", workflow);
  }

  @Test
  void pulledUsageWrittenLateIsCarried() {
    MeteringSubscription subscription = customers.subscribed("cust-pulled-late", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    pulled("cust-pulled-late", at(0, 30), 3);
    env.sleepUntil(at(1, 10)); // 00:00 was collected and submitted at 01:05

    pulled("cust-pulled-late", at(0, 45), 4); // written after the close
    pulled("cust-pulled-late", at(1, 20), 2);
    env.sleepUntil(at(3, 10));

    assertThat(env.ledger(PRODUCT, "cust-pulled-late"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactlyInAnyOrder(tuple(hour(0), 3L), tuple(hour(1), 6L), tuple(hour(2), 0L));
    assertThat(workflow.status().carried())
        .containsExactly(
            new CarriedUsage(
                "requests", java.math.BigDecimal.valueOf(4), hour(0), hour(1), CarriedUsage.LATE));
    record("pulled-usage-late-lines", workflow);
  }

  @Test
  void suspendedThenEntitledAgain() {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-susp"), "requests")
            .withSubscribed(false));
    CustomerMeteringWorkflow workflow =
        env.start(customers.subscription("cust-susp", PricingModel.SUBSCRIPTION, "requests"));
    report(workflow, "r", at(0, 30), 4);
    env.sleepUntil(at(2, 10));
    MeteringStatus suspended = workflow.status();
    assertThat(suspended.state()).isEqualTo(MeteringState.SUSPENDED);
    assertThat(suspended.backlog()).hasSize(2);
    assertThat(env.ledger(PRODUCT, "cust-susp")).isEmpty();

    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-susp"), "requests"));
    workflow.entitlementsChanged();
    env.sleepUntil(at(2, 12));

    assertThat(workflow.status().state()).isEqualTo(MeteringState.ACTIVE);
    assertThat(env.ledger(PRODUCT, "cust-susp"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 4L), tuple(hour(1), 0L));
    record("suspended-then-entitled", workflow);
  }

  @Test
  void receiptResentThenVerified() {
    env.simulator.setFaults(FaultSpec.builder().dropCloudTrailEventsNext(1).build());
    CustomerMeteringWorkflow workflow = env.start(customers.subscribed("cust-resent", "requests"));
    report(workflow, "r", at(0, 30), 7);

    env.sleepUntil(at(4, 10)); // 00:00 is re-sent at the 04:05 close (lead 2 h before 05:50)
    assertThat(receiptOf(workflow, hour(0))).isEqualTo(ReceiptStatus.RESENT);
    env.sleepUntil(at(5, 10)); // and found at the 05:05 close

    assertThat(receiptOf(workflow, hour(0))).isEqualTo(ReceiptStatus.VERIFIED);
    MeteringStatus status = workflow.status();
    assertThat(status.counters().recordsResent()).isEqualTo(1);
    assertThat(status.counters().recordsUnverified()).isZero();
    assertThat(env.ledger(PRODUCT, "cust-resent"))
        .filteredOn(e -> e.timestamp().equals(H00))
        .singleElement()
        .extracting(LedgerEntry::quantity)
        .as("billed once")
        .isEqualTo(7L);
    record("receipt-resent-verified", workflow);
  }

  @Test
  void receiptNeverInCloudTrailEndsUnverified() {
    env.simulator.setFaults(FaultSpec.builder().dropCloudTrailEvents(true).build());
    CustomerMeteringWorkflow workflow =
        env.start(customers.subscribed("cust-unverified", "requests"));
    report(workflow, "r", at(0, 30), 3);

    env.sleepUntil(at(4, 10));
    assertThat(receiptOf(workflow, hour(0))).isEqualTo(ReceiptStatus.RESENT);
    env.sleepUntil(at(6, 10)); // two more looks after the re-send (05:05, 06:05), then UNVERIFIED

    MeteringStatus status = workflow.status();
    assertThat(receiptOf(workflow, hour(0))).isEqualTo(ReceiptStatus.UNVERIFIED);
    assertThat(status.unverifiedRecords()).extracting(SubmittedRecord::periodStart).contains(H00);
    assertThat(env.ledger(PRODUCT, "cust-unverified"))
        .filteredOn(e -> e.timestamp().equals(H00))
        .hasSize(1);
    assertThat(
            env.client
                .newUntypedWorkflowStub(customers.workflowId("cust-unverified"))
                .describe()
                .getTypedSearchAttributes()
                .get(MeteringSearchAttributes.VERIFICATION))
        .isEqualTo("UNVERIFIED");
    record("receipt-unverified", workflow);
  }

  @Test
  void continueAsNew() {
    MeteringSubscription subscription =
        customers
            .subscribed("cust-can", "requests")
            .withTuning(TestCustomers.sixPeriodTuning().continueAsNewAfterPeriods(1).build());
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "before", at(0, 30), 5);
    env.sleepUntil(at(1, 2));
    report(workflow, "pending", at(1, 2), 2); // period 01:00, open at the 01:05 continue-as-new

    env.sleepUntil(at(1, 10));
    UsageReceipt again = env.stubFor(subscription).reportUsage(usage("before", at(0, 30), 5));
    report(env.stubFor(subscription), "after", at(1, 20), 3);
    env.sleepUntil(at(2, 10));

    assertThat(again.duplicate()).as("report ids survive continue-as-new").isTrue();
    assertThat(env.ledger(PRODUCT, "cust-can"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactlyInAnyOrder(tuple(hour(0), 5L), tuple(hour(1), 5L));
    assertThat(env.stubFor(subscription).status().counters().runs()).isEqualTo(3);
    List<Path> files = record("continue-as-new", workflow);
    assertThat(files).as("one file per run").hasSize(3);
  }

  @Test
  void manySignalsContinueAsNewFromTheWait() {
    MeteringSubscription subscription =
        customers
            .subscribed("cust-busy", "requests")
            .withTuning(
                TestCustomers.sixPeriodTuning()
                    .continueAsNewAfterSignals(3)
                    .continueAsNewAfterUpdates(2)
                    .build());
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    for (int i = 1; i <= 3; i++) { // the 3rd signal of the run: continue as new from the wait
      workflow.recordUsage(usage("s-" + i, at(0, 30), i));
    }
    env.sleepUntil(at(0, 40));
    CustomerMeteringWorkflow second = env.stubFor(subscription);
    UsageReceipt again = second.reportUsage(usage("s-1", at(0, 30), 1));
    report(second, "u-1", at(0, 45), 4); // the 2nd update: continue as new again
    env.sleepUntil(at(1, 10));

    assertThat(again.duplicate()).as("report ids survive continue-as-new").isTrue();
    assertThat(env.ledger(PRODUCT, "cust-busy"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .as("the open period was not closed early, and is billed once")
        .containsExactly(tuple(hour(0), 10L));
    assertThat(env.stubFor(subscription).status().counters().runs()).isEqualTo(3);
    List<Path> files = record("many-signals-continue-as-new-from-wait", workflow);
    assertThat(files).as("one file per run").hasSize(3);
  }

  @Test
  void unsubscribeWithFinalFlush() {
    CustomerMeteringWorkflow workflow = env.start(customers.subscribed("cust-bye", "requests"));
    env.sleepUntil(at(1, 20));
    report(workflow, "last", at(1, 25), 8);

    workflow.unsubscribe();
    WorkflowStub.fromTyped(workflow).getResult(Void.class);

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-bye");
    assertThat(ledger)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 0L), tuple(hour(1), 8L));
    assertThat(ledger.get(1).acceptedAt()).as("flushed at once").isBefore(at(1, 30));
    MeteringStatus status = workflow.status();
    assertThat(status.state()).isEqualTo(MeteringState.ENDED);
    assertThat(status.counters().recordsVerified()).isEqualTo(2);
    record("unsubscribe-final-flush", workflow);
  }

  @Test
  void subscriptionEndedWithoutSending() {
    CustomerMeteringWorkflow workflow = env.start(customers.subscribed("cust-gone", "requests"));
    env.sleepUntil(at(1, 20)); // hour 0 billed (zero)
    report(workflow, "too-late", at(1, 25), 8);

    workflow.subscriptionEnded(); // AWS's unsubscribe-success: nothing more is accepted
    WorkflowStub.fromTyped(workflow).getResult(Void.class);

    assertThat(env.ledger(PRODUCT, "cust-gone"))
        .as("the open period is not sent")
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 0L));
    MeteringStatus status = workflow.status();
    assertThat(status.state()).isEqualTo(MeteringState.ENDED);
    assertThat(status.stateReason()).contains("subscription ended").contains("requests=8");
    assertThat(
            env.awaitCounter(
                "hourmeter_usage_unbilled_at_end_units", "workflow_type", "CustomerMetering", 8))
        .isEqualTo(8);
    record("subscription-ended-without-sending", workflow);
  }

  @Test
  void rejectedAcceptedDuplicateAndRefusedUsage() {
    CustomerMeteringWorkflow workflow = env.start(customers.subscribed("cust-reports", "requests"));
    env.sleepUntil(at(0, 30));

    workflow.recordUsage(
        new UsageReport("bad-signal", List.of(new UsageEntry("requests", 1, "next tuesday"))));
    UsageReceipt accepted = workflow.reportUsage(usage("ok", at(0, 30), 6));
    UsageReceipt duplicate = workflow.reportUsage(usage("ok", at(0, 30), 6));
    workflow.recordUsage(usage("ok", at(0, 30), 6));
    assertThatThrownBy(
            () ->
                workflow.reportUsage(
                    new UsageReport("refused", List.of(new UsageEntry("nope", -1, null)))))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("usage[0].dimension: 'nope'");
    env.sleepUntil(at(1, 10));

    assertThat(accepted.duplicate()).isFalse();
    assertThat(duplicate.duplicate()).isTrue();
    MeteringStatus status = workflow.status();
    assertThat(status.rejectedReports())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("usage[0].timestamp"));
    assertThat(status.counters().duplicateReports()).isEqualTo(2);
    assertThat(status.counters().reportsAccepted()).isEqualTo(1);
    assertThat(env.ledger(PRODUCT, "cust-reports"))
        .singleElement()
        .extracting(LedgerEntry::quantity)
        .isEqualTo(6L);
    record("usage-reports-rejected-duplicate-refused", workflow);
  }

  @Test
  void contractCustomer() {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-contract"), "requests")
            .withEntitlements(
                List.of(
                    EntitlementSpec.ofInteger("requests", 100, START.plus(Duration.ofDays(30))))));
    CustomerMeteringWorkflow workflow =
        env.start(customers.subscription("cust-contract", PricingModel.CONTRACT, "requests"));
    report(workflow, "over", at(0, 30), 130);
    env.sleepUntil(at(1, 10));
    report(workflow, "under", at(1, 30), 50);

    env.sleepUntil(at(2, 10));

    assertThat(env.ledger(PRODUCT, "cust-contract"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .as("only usage above the entitled 100 is billed")
        .containsExactlyInAnyOrder(tuple(hour(0), 30L), tuple(hour(1), 0L));
    record("contract-customer", workflow);
  }

  @Test
  void awsOutageLongerThanTheWindow() {
    // PT1M periods: a period's window closes 5m50s after its start. AWS answers 5xx from 00:20:45
    // to 00:26:30: 00:20's record's fate is unknown when its window closes, CloudTrail does not
    // show it at the next close 30 s later, so its usage is carried and billed once. (Throttling
    // is left to AwsOutageWorkflowTest: its jittered retry delays would make the history vary.)
    // Batching off: an attempt ends at its first error, so the outage costs little real time.
    try (MeteringTestEnvironment outage =
        new MeteringTestEnvironment(new InMemoryUsageSource(), false, Duration.ofMinutes(1))) {
      MeteringSubscription subscription =
          TestCustomers.sixPeriodWindow(
              MeteringSubscription.of(
                  PRODUCT,
                  dev.hourmeter.workflows.model.api.CustomerId.parse("cust-outage"),
                  List.of("requests"),
                  PricingModel.SUBSCRIPTION,
                  Duration.ofMinutes(1)));
      outage.simulator.subscribe(
          SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-outage"), "requests"));
      CustomerMeteringWorkflow workflow = outage.start(subscription);
      outage.sleepUntil(START.plusSeconds(30));
      workflow.reportUsage(usage("r1", START.plusSeconds(30), 5));
      outage.sleepUntil(START.plusSeconds(45));
      outage.simulator.setFaults(FaultSpec.builder().serverErrorRate(1.0).build());
      outage.sleepUntil(START.plusSeconds(90));
      workflow.reportUsage(usage("r2", START.plusSeconds(90), 3));
      outage.sleepUntil(START.plusSeconds(6 * 60)); // 00:20's window closed: fate unknown
      assertThat(outageFlag(outage, "cust-outage")).isEqualTo("WAITING");
      outage.sleepUntil(START.plusSeconds(6 * 60 + 30));
      outage.simulator.setFaults(FaultSpec.none());
      outage.sleepUntil(START.plusSeconds(12 * 60));

      assertThat(outage.ledger(PRODUCT, "cust-outage").stream().mapToLong(e -> e.quantity()).sum())
          .isEqualTo(8);
      assertThat(workflow.status().carried())
          .extracting(c -> c.reason())
          .contains(CarriedUsage.NOT_IN_CLOUDTRAIL);
      assertThat(outageFlag(outage, "cust-outage")).isNull();
      WorkflowStub stub = WorkflowStub.fromTyped(workflow);
      writer.write(
          "aws-outage-longer-than-window",
          outage.client,
          stub.getExecution().getWorkflowId(),
          stub.getExecution().getRunId());
    }
  }

  @Test
  void unsubscribeDuringAnAwsOutage() {
    // PT1M periods, 5xx from 00:20:45 to 00:26:30. The unsubscribe at 00:21:05 flushes 00:20 and
    // the partial 00:21 into the outage; 00:20's record is of unknown fate when its window closes,
    // CloudTrail does not show it, so its usage is carried past the flush and billed in 00:22.
    try (MeteringTestEnvironment outage =
        new MeteringTestEnvironment(new InMemoryUsageSource(), false, Duration.ofMinutes(1))) {
      MeteringSubscription subscription =
          TestCustomers.sixPeriodWindow(
              MeteringSubscription.of(
                  PRODUCT,
                  dev.hourmeter.workflows.model.api.CustomerId.parse("cust-leaving"),
                  List.of("requests"),
                  PricingModel.SUBSCRIPTION,
                  Duration.ofMinutes(1)));
      outage.simulator.subscribe(
          SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-leaving"), "requests"));
      CustomerMeteringWorkflow workflow = outage.start(subscription);
      outage.sleepUntil(START.plusSeconds(30));
      workflow.reportUsage(usage("r1", START.plusSeconds(30), 5));
      outage.sleepUntil(START.plusSeconds(45));
      outage.simulator.setFaults(FaultSpec.builder().serverErrorRate(1.0).build());
      outage.sleepUntil(START.plusSeconds(65));
      workflow.reportUsage(usage("r2", START.plusSeconds(65), 2));
      workflow.unsubscribe();
      outage.sleepUntil(START.plusSeconds(6 * 60 + 30));
      outage.simulator.setFaults(FaultSpec.none());
      WorkflowStub stub = WorkflowStub.fromTyped(workflow);
      stub.getResult(Void.class);

      List<LedgerEntry> ledger = outage.ledger(PRODUCT, "cust-leaving");
      assertThat(ledger.stream().mapToLong(LedgerEntry::quantity).sum()).isEqualTo(7);
      // Where the flush ends depends on when the unsubscribe is handled (the submission in flight
      // runs in real time while the test server skips time); the 5 units always land after it.
      Instant lastFlushed =
          ledger.stream().filter(e -> e.quantity() == 2).findFirst().orElseThrow().timestamp();
      assertThat(ledger)
          .filteredOn(e -> e.quantity() == 5)
          .extracting(LedgerEntry::timestamp)
          .singleElement()
          .satisfies(t -> assertThat(t).isAfter(lastFlushed));
      assertThat(workflow.status().state()).isEqualTo(MeteringState.ENDED);
      writer.write(
          "unsubscribe-during-aws-outage",
          outage.client,
          stub.getExecution().getWorkflowId(),
          stub.getExecution().getRunId());
    }
  }

  @Test
  void submissionNeverConfirmedBeforeItsWindow() {
    // The window is narrowed to 01:06 for 00:00 (submitted at 01:05), so that the throttled
    // submission runs out of time after a minute of retries instead of almost five hours.
    MeteringTuning narrowWindow =
        TestCustomers.sixPeriodTuning()
            .windowSafety(Duration.ofHours(6).minus(Duration.ofMinutes(66)))
            .build();
    env.simulator.setFaults(FaultSpec.builder().throttleRate(1.0).build());
    CustomerMeteringWorkflow workflow =
        env.start(customers.subscribed("cust-throttled", "requests").withTuning(narrowWindow));
    report(workflow, "r", at(0, 30), 9);

    env.sleepUntil(at(1, 30)); // every BatchMeterUsage call throttled until after 01:06
    assertThat(env.ledger(PRODUCT, "cust-throttled")).isEmpty();
    env.simulator.setFaults(FaultSpec.none());
    env.sleepUntil(at(2, 10));

    MeteringStatus status = workflow.status();
    assertThat(status.recentRecords())
        .filteredOn(r -> r.periodStart().equals(H00))
        .singleElement()
        .satisfies(
            r -> {
              // A record AWS certainly never accepted is NOT_ACCEPTED and its usage carried.
              assertThat(r.status()).isEqualTo(RecordStatus.NOT_ACCEPTED);
              assertThat(r.quantity()).isEqualTo(BigDecimal.valueOf(9));
              assertThat(r.detail()).contains("not confirmed before the timestamp window closed");
            });
    assertThat(status.counters().recordsNotAccepted()).isEqualTo(1);
    assertThat(status.carried())
        .containsExactly(
            new CarriedUsage(
                "requests", BigDecimal.valueOf(9), hour(0), hour(1), CarriedUsage.NOT_ACCEPTED));
    assertThat(env.ledger(PRODUCT, "cust-throttled"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .as("never billed for 00:00; its usage went with 01:00 once AWS answered")
        .containsExactly(tuple(hour(1), 9L));
    record("submission-unconfirmed", workflow);
  }

  @Test
  void suspendedPastTheWindowCarriesUsageOutOfWindow() {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-window"), "requests")
            .withSubscribed(false));
    CustomerMeteringWorkflow workflow =
        env.start(customers.subscription("cust-window", PricingModel.SUBSCRIPTION, "requests"));
    report(workflow, "r", at(0, 30), 5);

    env.sleepUntil(at(6, 10)); // at the 06:05 close 00:00 had left its window (05:50) unsent
    MeteringStatus suspended = workflow.status();
    assertThat(suspended.state()).isEqualTo(MeteringState.SUSPENDED);
    assertThat(suspended.carried())
        .containsExactly(
            new CarriedUsage(
                "requests", BigDecimal.valueOf(5), hour(0), hour(1), CarriedUsage.OUT_OF_WINDOW));
    assertThat(suspended.backlog())
        .extracting(b -> b.periodStart())
        .containsExactly(hour(1), hour(2), hour(3), hour(4), hour(5));

    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-window"), "requests"));
    workflow.entitlementsChanged();
    env.sleepUntil(at(6, 12));

    assertThat(workflow.status().state()).isEqualTo(MeteringState.ACTIVE);
    assertThat(env.ledger(PRODUCT, "cust-window"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(
            tuple(hour(1), 5L),
            tuple(hour(2), 0L),
            tuple(hour(3), 0L),
            tuple(hour(4), 0L),
            tuple(hour(5), 0L));
    record("out-of-window-carried", workflow);
  }

  @Test
  void receiptResendRefusedEndsUnverified() {
    env.simulator.setFaults(FaultSpec.builder().dropCloudTrailEventsNext(1).build());
    CustomerMeteringWorkflow workflow = env.start(customers.subscribed("cust-refused", "requests"));
    report(workflow, "r", at(0, 30), 2);
    env.sleepUntil(at(3, 30));
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-refused"), "requests")
            .withSubscribed(false));

    env.sleepUntil(at(4, 10)); // the 04:05 re-send of 00:00 is answered CustomerNotSubscribed

    MeteringStatus status = workflow.status();
    assertThat(receiptOf(workflow, hour(0))).isEqualTo(ReceiptStatus.UNVERIFIED);
    assertThat(status.counters().recordsResent()).isZero();
    assertThat(status.counters().recordsUnverified()).isEqualTo(1);
    assertThat(status.unverifiedRecords()).extracting(SubmittedRecord::periodStart).contains(H00);
    assertThat(env.ledger(PRODUCT, "cust-refused"))
        .filteredOn(e -> e.timestamp().equals(H00))
        .singleElement()
        .extracting(LedgerEntry::quantity)
        .isEqualTo(2L);
    assertThat(
            env.client
                .newUntypedWorkflowStub(customers.workflowId("cust-refused"))
                .describe()
                .getTypedSearchAttributes()
                .get(MeteringSearchAttributes.VERIFICATION))
        .isEqualTo("UNVERIFIED");
    record("receipt-resend-refused-unverified", workflow);
  }

  @Test
  void monthEndUsageCarriedIntoTheNextMonth() {
    // Hourly periods from 20:20 on 2026-11-30, the default 24-hour window. AWS throttles every
    // BatchMeterUsage call from 23:10 to 06:30 on the 1st: 23:00's record, refused until its
    // deadline (the month-end cut-off, 06:00 less the safety), is carried into December and billed
    // there once; no record of November goes out after the cut-off.
    try (MeteringTestEnvironment monthEnd = MonthEndWindowWorkflowTest.monthEndEnvironment()) {
      monthEnd.simulator.subscribe(
          SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-month-end"), "requests"));
      MeteringSubscription defaults =
          MeteringSubscription.of(
              PRODUCT,
              dev.hourmeter.workflows.model.api.CustomerId.parse("cust-month-end"),
              List.of("requests"),
              PricingModel.SUBSCRIPTION,
              Duration.ofHours(1));
      // No close spread: 22:00 closes at 23:05, before the outage, as this timeline was written.
      CustomerMeteringWorkflow workflow =
          monthEnd.start(
              defaults.withTuning(
                  defaults.tuning().toBuilder().closeSpread(Duration.ZERO).build()));
      Instant late = Instant.parse("2026-11-30T22:30:00Z");
      monthEnd.sleepUntil(late);
      workflow.reportUsage(usage("r1", late, 5));
      monthEnd.sleepUntil(Instant.parse("2026-11-30T23:10:00Z"));
      monthEnd.simulator.setFaults(
          FaultSpec.builder()
              .throttleRate(1.0)
              .operations(dev.hourmeter.simulator.ApiOperation.BATCH_METER_USAGE)
              .build());
      Instant last = Instant.parse("2026-11-30T23:30:00Z");
      monthEnd.sleepUntil(last);
      workflow.reportUsage(usage("r2", last, 7));
      monthEnd.sleepUntil(Instant.parse("2026-12-01T06:30:00Z"));
      monthEnd.simulator.setFaults(FaultSpec.none());
      monthEnd.sleepUntil(Instant.parse("2026-12-01T07:30:00Z"));

      Instant december = Instant.parse("2026-12-01T00:00:00Z");
      List<LedgerEntry> ledger = monthEnd.ledger(PRODUCT, "cust-month-end");
      assertThat(ledger.stream().mapToLong(LedgerEntry::quantity).sum()).isEqualTo(12);
      assertThat(ledger)
          .filteredOn(e -> e.quantity() == 7)
          .singleElement()
          .satisfies(e -> assertThat(e.timestamp()).isAfterOrEqualTo(december));
      assertThat(ledger)
          .filteredOn(e -> e.timestamp().equals(Instant.parse("2026-11-30T23:00:00Z")))
          .isEmpty();
      assertThat(workflow.status().carried())
          .extracting(CarriedUsage::reason, CarriedUsage::fromPeriod)
          .contains(tuple(CarriedUsage.NOT_ACCEPTED, Instant.parse("2026-11-30T23:00:00Z")));
      WorkflowStub stub = WorkflowStub.fromTyped(workflow);
      writer.write(
          "month-end-carried",
          monthEnd.client,
          stub.getExecution().getWorkflowId(),
          stub.getExecution().getRunId());
    }
  }

  @Test
  void legacyCustomerMigratedToALicense() {
    // A legacy customer of a migrating product moved to CustomerAWSAccountId + LicenseArn at 01:20:
    // 00:00 was submitted under the legacy identity, 01:00 on carry the license; the migration is
    // sent twice (the second answers ALREADY_MIGRATED), and the run continues as new after two
    // periods with the identity in its checkpoint.
    String product = "prod-golden-migrating";
    String account = "123456789012";
    String license =
        "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0123456789abcdef";
    env.simulator.registerProduct(dev.hourmeter.simulator.ProductSpec.migrating(product));
    env.simulator.subscribe(
        SubscriptionSpec.of(product, CustomerId.identifier("cust-migrated"), "requests"));
    env.simulator.subscribe(SubscriptionSpec.ofLicense(product, account, license, "requests"));
    MeteringSubscription legacy =
        TestCustomers.sixPeriodWindow(
            MeteringSubscription.of(
                product,
                dev.hourmeter.workflows.model.api.CustomerId.legacy("cust-migrated"),
                List.of("requests"),
                PricingModel.SUBSCRIPTION,
                Duration.ofHours(1)));
    legacy = legacy.withTuning(legacy.tuning().toBuilder().continueAsNewAfterPeriods(2).build());
    CustomerMeteringWorkflow workflow = env.start(legacy);
    report(workflow, "before", at(0, 30), 3);
    env.sleepUntil(at(1, 20));
    IdentityMigration migration = new IdentityMigration(account, license);
    assertThat(workflow.migrateIdentity(migration).effectiveFrom()).isEqualTo(hour(1));
    assertThat(workflow.migrateIdentity(migration).outcome())
        .isEqualTo(MigrationResult.ALREADY_MIGRATED);
    report(workflow, "after", at(1, 30), 4);

    env.sleepUntil(at(3, 10)); // 02:00 submitted in the second run

    assertThat(env.simulator.ledger(product, "cust-migrated", null))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.timestamp()).isEqualTo(hour(0));
              assertThat(e.quantity()).isEqualTo(3);
              assertThat(e.licenseArn()).isNull();
            });
    assertThat(env.simulator.ledger(product, account, license))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(1), 4L), tuple(hour(2), 0L));
    assertThat(workflow.status().identityChanges()).hasSize(1);
    WorkflowStub stub = WorkflowStub.fromTyped(workflow);
    List<Path> files =
        writer.write(
            "migration",
            env.client,
            stub.getExecution().getWorkflowId(),
            stub.getExecution().getRunId());
    assertThat(files).hasSize(2);
  }

  @Test
  void taggedUsage() {
    // Tagged and untagged usage in one period becomes a record with UsageAllocations; a late tagged
    // entry is carried with its tags into the next period.
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-tagged"), "requests"));
    CustomerMeteringWorkflow workflow =
        env.start(customers.subscription("cust-tagged", PricingModel.SUBSCRIPTION, "requests"));
    env.sleepUntil(at(0, 30));
    workflow.reportUsage(
        new UsageReport(
            "t1",
            List.of(
                new UsageEntry("requests", BigDecimal.valueOf(4), null, Map.of("team", "a")),
                new UsageEntry("requests", BigDecimal.valueOf(2), null))));
    workflow.recordUsage(
        new UsageReport(
            "t2",
            List.of(
                new UsageEntry(
                    "requests", BigDecimal.valueOf(3), null, Map.of("team", "b", "env", "prod")))));
    env.sleepUntil(at(1, 20));
    workflow.reportUsage(
        new UsageReport(
            "t3",
            List.of(
                new UsageEntry(
                    "requests",
                    BigDecimal.valueOf(5),
                    at(0, 50).toString(),
                    Map.of("team", "a")))));
    env.sleepUntil(at(2, 10));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-tagged");
    assertThat(ledger)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity, e -> e.allocations().size())
        .containsExactly(tuple(hour(0), 9L, 3), tuple(hour(1), 5L, 1));
    record("tagged-usage", workflow);
  }

  @Test
  void agreementHandOverRenewal() {
    // Change agreement-hand-over-2026-12: a licensed customer renewed at 01:40, its successor
    // started at once; usage before the switch billed under the old license, usage sent to it
    // after forwarded to the successor (the old side's history: getVersion marker, FindSuccessor,
    // the takeOver and recordUsage external signals, HANDED_OVER); then the successor's history.
    String account = "123456789012";
    String oldLicense =
        "arn:aws:license-manager::123456789012:license/l-0000000000000000000000000000a001";
    String newLicense =
        "arn:aws:license-manager::123456789012:license/l-0000000000000000000000000000a002";
    CustomerMeteringWorkflow old = startLicensed(account, oldLicense);
    env.sleepUntil(at(0, 40));
    old.reportUsage(usage("before", at(0, 40), 5));
    Instant switchAt = at(1, 40);
    env.sleepUntil(switchAt);
    CustomerMeteringWorkflow successor = startLicensed(account, newLicense);
    env.successors.link(
        WorkflowStub.fromTyped(old).getExecution().getWorkflowId(),
        WorkflowStub.fromTyped(successor).getExecution().getWorkflowId(),
        newLicense);
    old.agreementEnded(new AgreementEnd("agmt-golden", "RENEWED", switchAt));
    env.sleepUntil(at(1, 45));
    old.reportUsage(usage("after", at(1, 45), 7));
    env.sleepUntil(at(3, 10));

    assertThat(env.simulator.ledger(PRODUCT, account, oldLicense))
        .extracting(LedgerEntry::quantity)
        .containsExactly(5L, 0L);
    assertThat(env.simulator.ledger(PRODUCT, account, newLicense))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(1), 7L), tuple(hour(2), 0L));
    assertThat(old.status().state()).isEqualTo(MeteringState.HANDED_OVER);
    assertThat(successor.status().agreement().predecessor()).isNotNull();
    record("agreement-hand-over-old", old);
    record("agreement-hand-over-successor", successor);
  }

  private CustomerMeteringWorkflow startLicensed(String account, String license) {
    env.simulator.subscribe(SubscriptionSpec.ofLicense(PRODUCT, account, license, "requests"));
    return env.start(
        TestCustomers.sixPeriodWindow(
            MeteringSubscription.of(
                PRODUCT,
                dev.hourmeter.workflows.model.api.CustomerId.licensed(account, license),
                List.of("requests"),
                PricingModel.SUBSCRIPTION,
                Duration.ofHours(1))));
  }

  private String outageFlag(MeteringTestEnvironment on, String customer) {
    return on.client
        .newUntypedWorkflowStub(customers.workflowId(customer))
        .describe()
        .getTypedSearchAttributes()
        .get(MeteringSearchAttributes.OUTAGE);
  }

  // ---------------------------------------------------------------- helpers

  @Test
  void periodsCloseAtTheCustomersOffsetInTheCloseSpread() {
    // A PT20M close spread: this customer's periods close at 01:05 plus its offset (PT14M50S), not
    // at 01:05. Usage reported between 01:05 and that close is billed by its timestamp: the entry
    // dated 00:50 in 00:00, the one dated 01:02 in 01:00; nothing is carried late.
    MeteringSubscription plain = customers.subscribed("cust-spread", "requests");
    Duration spread = Duration.ofMinutes(20);
    MeteringSubscription subscription =
        plain.withTuning(plain.tuning().toBuilder().closeSpread(spread).build());
    Duration offset = CloseOffset.of(TestCustomers.workflowId(subscription), spread);
    assertThat(offset).isEqualTo(Duration.ofSeconds(890));
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "on-time", at(0, 30), 3);
    env.sleepUntil(at(1, 15));
    assertThat(env.ledger(PRODUCT, "cust-spread")).as("not closed at 01:05").isEmpty();
    assertThat(workflow.reportUsage(usage("dated-00-50", at(0, 50), 2)).duplicate()).isFalse();
    assertThat(workflow.reportUsage(usage("dated-01-02", at(1, 2), 4)).duplicate()).isFalse();

    env.sleepUntil(at(2, 30));

    assertThat(env.ledger(PRODUCT, "cust-spread"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 5L), tuple(hour(1), 4L));
    assertThat(env.ledger(PRODUCT, "cust-spread").getFirst().acceptedAt())
        .isAfterOrEqualTo(at(1, 5).plus(offset));
    MeteringStatus status = workflow.status();
    assertThat(status.closeOffset()).isEqualTo(offset);
    assertThat(status.carried()).isEmpty();
    record("close-spread", workflow);
  }

  private List<Path> record(String scenario, CustomerMeteringWorkflow workflow) {
    WorkflowStub stub = WorkflowStub.fromTyped(workflow);
    return writer.write(
        scenario, env.client, stub.getExecution().getWorkflowId(), stub.getExecution().getRunId());
  }

  private ReceiptStatus receiptOf(CustomerMeteringWorkflow workflow, Instant period) {
    return workflow.status().recentRecords().stream()
        .filter(r -> r.periodStart().equals(period))
        .map(SubmittedRecord::receipt)
        .findFirst()
        .orElseThrow();
  }

  private void report(CustomerMeteringWorkflow workflow, String id, Instant at, long quantity) {
    env.sleepUntil(at);
    assertThat(workflow.reportUsage(usage(id, at, quantity)).duplicate()).isFalse();
  }

  private void pulled(String customer, Instant at, long quantity) {
    usageSource.add(new UsageObservation(PRODUCT, customer, "requests", quantity, at));
  }

  private static UsageReport usage(String id, Instant at, long quantity) {
    return new UsageReport(id, List.of(new UsageEntry("requests", quantity, at.toString())));
  }
}
