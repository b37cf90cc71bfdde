package dev.hourmeter.it;

import static dev.hourmeter.it.MeteringTestEnvironment.START;
import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static dev.hourmeter.it.TestCustomers.workflowId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.simulator.CustomerId;
import dev.hourmeter.simulator.EntitlementSpec;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The customer workflow over simulated hours and days: real workflow, real activities, real
 * simulator over HTTP, Temporal time skipping. Every test asserts what AWS would bill: the
 * simulator's ledger.
 */
class CustomerMeteringWorkflowTest {

  private static final String PRODUCT = "prod-hourmeter";

  private final InMemoryUsageSource usageSource = new InMemoryUsageSource();
  private MeteringTestEnvironment env = new MeteringTestEnvironment(usageSource);
  private final TestCustomers customers = new TestCustomers(env, PRODUCT);

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void metersEveryHourForThreeDaysWithZeroRecordsForIdleHours() {
    MeteringSubscription subscription = customers.subscribed("cust-days", "requests", "storage");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    Map<Instant, Long> expectedRequests = new HashMap<>();
    report(workflow, "r-1", at(0, 30), "requests", 5);
    expectedRequests.put(hour(0), 5L);
    env.sleepUntil(at(13, 10));
    report(workflow, "r-2", at(13, 10), "requests", 7);
    expectedRequests.put(hour(13), 7L);
    env.sleepUntil(at(50, 59));
    report(workflow, "r-3", at(50, 59), "requests", 11);
    expectedRequests.put(hour(50), 11L);
    env.sleepUntil(at(72, 6));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-days");
    assertThat(ledger).hasSize(72 * 2);
    assertThat(ledger).extracting(e -> e.dimension() + "@" + e.timestamp()).doesNotHaveDuplicates();
    for (int h = 0; h < 72; h++) {
      Instant period = hour(h);
      assertThat(quantity(ledger, "requests", period))
          .as("requests at %s", period)
          .isEqualTo(expectedRequests.getOrDefault(period, 0L));
      assertThat(quantity(ledger, "storage", period)).as("storage at %s", period).isZero();
    }
    MeteringStatus status = workflow.status();
    assertThat(status.state()).isEqualTo(MeteringState.ACTIVE);
    assertThat(status.counters().recordsAccepted()).isEqualTo(144);
    assertThat(status.recentRecords())
        .allMatch(r -> r.status() == RecordStatus.SUCCESS && r.meteringRecordId() != null);

    // The recorded history replays deterministically against the current workflow code.
    WorkflowExecutionHistory history = env.client.fetchHistory(workflowId(subscription));
    try {
      WorkflowReplayer.replayWorkflowExecution(history, CustomerMeteringWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError("history does not replay", e);
    }
  }

  @Test
  void aRepeatedReportIdIsCountedOnce() {
    MeteringSubscription subscription = customers.subscribed("cust-dedup", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    env.sleepUntil(at(0, 30));
    UsageReport report =
        new UsageReport("same-id", List.of(new UsageEntry("requests", 4, at(0, 30).toString())));
    workflow.recordUsage(report);
    workflow.recordUsage(report);
    UsageReceipt receipt = workflow.reportUsage(report);
    env.sleepUntil(at(1, 6));

    assertThat(receipt.duplicate()).isTrue();
    assertThat(env.ledger(PRODUCT, "cust-dedup"))
        .singleElement()
        .extracting(LedgerEntry::quantity)
        .isEqualTo(4L);
    MeteringStatus status = workflow.status();
    assertThat(status.counters().duplicateReports()).isEqualTo(2);
    assertThat(status.rejectedReports()).isEmpty();
  }

  @Test
  void lateUsageIsCarriedIntoTheNextOpenPeriod() {
    MeteringSubscription subscription = customers.subscribed("cust-late", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "on-time", at(0, 30), "requests", 3);
    env.sleepUntil(at(1, 10)); // 00:00 was submitted at 01:05

    UsageReceipt receipt = report(workflow, "late", at(0, 45), "requests", 2);
    env.sleepUntil(at(2, 6));

    assertThat(receipt.carried()).isTrue();
    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-late");
    assertThat(quantity(ledger, "requests", hour(0))).isEqualTo(3);
    assertThat(quantity(ledger, "requests", hour(1))).isEqualTo(2);
    assertThat(workflow.status().carried())
        .containsExactly(
            new CarriedUsage(
                "requests", BigDecimal.valueOf(2), hour(0), hour(1), CarriedUsage.LATE));
    assertThat(env.awaitCounter("hourmeter_usage_carried_units", "reason", "LATE", 2))
        .as("metric: late units carried")
        .isEqualTo(2);
  }

  @Test
  void pushedAndPulledUsageAddUp() {
    MeteringSubscription subscription = customers.subscribed("cust-pull", "requests");
    usageSource.add(new UsageObservation(PRODUCT, "cust-pull", "requests", 6, at(0, 40)));
    usageSource.add(
        new UsageObservation(PRODUCT, "cust-pull", "requests", 100, at(1, 10))); // next period
    usageSource.add(new UsageObservation(PRODUCT, "someone-else", "requests", 1000, at(0, 40)));
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "pushed", at(0, 45), "requests", 1);

    env.sleepUntil(at(2, 6));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-pull");
    assertThat(quantity(ledger, "requests", hour(0))).isEqualTo(7);
    assertThat(quantity(ledger, "requests", hour(1))).isEqualTo(100);
  }

  @Test
  void moreThan25DimensionsAreSplitIntoSeveralCalls() {
    String[] dimensions =
        IntStream.rangeClosed(1, 30).mapToObj(i -> "dim-" + i).toArray(String[]::new);
    MeteringSubscription subscription = customers.subscribed("cust-wide", dimensions);
    env.start(subscription);

    env.sleepUntil(at(1, 6));

    assertThat(env.ledger(PRODUCT, "cust-wide")).hasSize(30);
    assertThat(env.meteringRequests())
        .extracting(RequestLogEntry::records)
        .containsExactlyInAnyOrder(25, 5);
  }

  @Test
  void throttlingServerErrorsAndUnprocessedRecordsAreRetriedToSuccess() {
    MeteringSubscription subscription = customers.subscribed("cust-faults", "requests", "storage");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "r", at(0, 30), "requests", 9);
    env.simulator.setFaults(
        FaultSpec.builder().throttleNext(2).serverErrorNext(1).unprocessedNext(1).build());

    env.sleepUntil(at(1, 10));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-faults");
    assertThat(ledger).hasSize(2);
    assertThat(quantity(ledger, "requests", hour(0))).isEqualTo(9);
    assertThat(env.meteringRequests())
        .extracting(RequestLogEntry::errorType)
        .contains("ThrottlingException", "InternalServiceErrorException");
    assertThat(workflow.status().recentRecords())
        .extracting(SubmittedRecord::status)
        .containsOnly(RecordStatus.SUCCESS);
  }

  @Test
  void anInvalidRecordIsIsolatedAndTheOthersAreBilled() {
    customers.subscribed("cust-invalid", "requests", "storage");
    MeteringSubscription subscription =
        customers.subscription(
            "cust-invalid", PricingModel.SUBSCRIPTION, "requests", "not-a-dimension", "storage");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "r", at(0, 30), "requests", 2);

    env.sleepUntil(at(1, 6));

    assertThat(env.ledger(PRODUCT, "cust-invalid"))
        .extracting(LedgerEntry::dimension, LedgerEntry::quantity)
        .containsExactlyInAnyOrder(tuple("requests", 2L), tuple("storage", 0L));
    assertThat(workflow.status().recentRecords())
        .filteredOn(r -> r.dimension().equals("not-a-dimension"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(RecordStatus.INVALID);
              assertThat(r.detail()).contains("InvalidUsageDimension");
            });
  }

  @Test
  void aCustomerWithoutEntitlementIsSuspendedKeepsUsageAndResumesWhenEntitled() {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-susp"), "requests")
            .withSubscribed(false));
    MeteringSubscription subscription =
        customers.subscription("cust-susp", PricingModel.SUBSCRIPTION, "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "r", at(0, 30), "requests", 4);

    env.sleepUntil(at(2, 10));
    MeteringStatus suspended = workflow.status();
    assertThat(suspended.state()).isEqualTo(MeteringState.SUSPENDED);
    assertThat(searchAttributeState(subscription)).isEqualTo("SUSPENDED");
    assertThat(suspended.backlog()).hasSize(2);
    assertThat(env.ledger(PRODUCT, "cust-susp")).isEmpty();

    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-susp"), "requests"));
    workflow.entitlementsChanged();
    env.sleepUntil(at(2, 12));

    assertThat(workflow.status().state()).isEqualTo(MeteringState.ACTIVE);
    assertThat(searchAttributeState(subscription)).isEqualTo("ACTIVE");
    assertThat(env.ledger(PRODUCT, "cust-susp"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 4L), tuple(hour(1), 0L));
  }

  @Test
  void aContractBillsOnlyUsageAboveTheEntitledQuantity() {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-contract"), "requests")
            .withEntitlements(
                List.of(
                    EntitlementSpec.ofInteger("requests", 100, START.plus(Duration.ofDays(30))))));
    MeteringSubscription subscription =
        customers.subscription("cust-contract", PricingModel.CONTRACT, "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "over", at(0, 30), "requests", 130);
    env.sleepUntil(at(1, 10));
    report(workflow, "under", at(1, 30), "requests", 50);

    env.sleepUntil(at(2, 6));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-contract");
    assertThat(quantity(ledger, "requests", hour(0))).isEqualTo(30);
    assertThat(quantity(ledger, "requests", hour(1))).isZero();
  }

  @Test
  void entitlementsAreReusedForTheirMaxAgeAndCheckedAgainAtOnceAfterEntitlementsChanged() {
    CustomerId customer = CustomerId.identifier("cust-cached");
    Instant expires = START.plus(Duration.ofDays(30));
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, customer, "requests")
            .withEntitlements(List.of(EntitlementSpec.ofInteger("requests", 100, expires))));
    MeteringSubscription subscription =
        customers
            .subscription("cust-cached", PricingModel.CONTRACT, "requests")
            .withTuning(
                TestCustomers.sixPeriodTuning().entitlementMaxAge(Duration.ofHours(3)).build());
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "h0", at(0, 30), "requests", 130);
    env.sleepUntil(at(1, 10));
    assertThat(entitlementChecks()).as("checked at the first close").isEqualTo(1);

    // Within the max age and without the signal the last answer stands: hour 1 is still billed
    // above 100.
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, customer, "requests")
            .withEntitlements(List.of(EntitlementSpec.ofInteger("requests", 200, expires))));
    report(workflow, "h1", at(1, 30), "requests", 130);
    env.sleepUntil(at(2, 10));
    assertThat(entitlementChecks()).as("reused at the 02:05 close").isEqualTo(1);

    workflow.entitlementsChanged();
    report(workflow, "h2", at(2, 30), "requests", 150);
    env.sleepUntil(at(3, 10));
    assertThat(entitlementChecks()).as("checked again after entitlementsChanged").isEqualTo(2);

    env.sleepUntil(at(5, 10));
    assertThat(entitlementChecks()).as("reused at 04:05 and 05:05").isEqualTo(2);
    env.sleepUntil(at(6, 10));
    assertThat(entitlementChecks()).as("three hours old at 06:05: checked again").isEqualTo(3);

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-cached");
    assertThat(quantity(ledger, "requests", hour(0))).isEqualTo(30);
    assertThat(quantity(ledger, "requests", hour(1))).isEqualTo(30);
    assertThat(quantity(ledger, "requests", hour(2))).as("150 is within the new 200").isZero();
  }

  @Test
  void quantitiesAboveTheMaximumAreCarriedForward() {
    MeteringSubscription subscription = customers.subscribed("cust-huge", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    // Each entry is within the per-entry limit (AWS's per-record maximum); their sum is not.
    report(workflow, "huge", at(0, 30), "requests", Integer.MAX_VALUE);
    report(workflow, "huge-2", at(0, 31), "requests", 10);

    env.sleepUntil(at(2, 6));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-huge");
    assertThat(quantity(ledger, "requests", hour(0))).isEqualTo(Integer.MAX_VALUE);
    assertThat(quantity(ledger, "requests", hour(1))).isEqualTo(10);
    assertThat(workflow.status().carried())
        .extracting(CarriedUsage::reason)
        .containsExactly(CarriedUsage.OVER_MAX);
  }

  @Test
  void unsubscribeFlushesTheOpenPeriodAndEnds() {
    MeteringSubscription subscription = customers.subscribed("cust-bye", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(1, 20));
    report(workflow, "last", at(1, 25), "requests", 8);

    workflow.unsubscribe();
    WorkflowStub.fromTyped(workflow).getResult(Void.class);

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-bye");
    assertThat(ledger)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 0L), tuple(hour(1), 8L));
    assertThat(ledger.get(1).acceptedAt())
        .as("flushed at once, not at the period end")
        .isBefore(at(1, 30));
    MeteringStatus status = workflow.status();
    assertThat(status.state()).isEqualTo(MeteringState.ENDED);
    assertThat(status.verifications()).as("it ended only after verifying receipts").isEmpty();
    assertThat(status.counters().recordsVerified()).isEqualTo(2);
  }

  @Test
  void continueAsNewKeepsPendingUsageAndRememberedReportIds() {
    MeteringSubscription subscription =
        customers
            .subscribed("cust-can", "requests")
            .withTuning(TestCustomers.sixPeriodTuning().continueAsNewAfterPeriods(1).build());
    CustomerMeteringWorkflow workflow = env.start(subscription);
    String firstRun = describe(subscription).getExecution().getRunId();
    report(workflow, "before", at(0, 30), "requests", 5);
    env.sleepUntil(at(1, 2));
    report(
        workflow,
        "pending",
        at(1, 2),
        "requests",
        2); // period 01:00, still open at the 01:05 continue-as-new

    env.sleepUntil(at(1, 10));
    assertThat(describe(subscription).getExecution().getRunId()).isNotEqualTo(firstRun);
    UsageReceipt again =
        env.stubFor(subscription)
            .reportUsage(
                new UsageReport(
                    "before", List.of(new UsageEntry("requests", 5, at(0, 30).toString()))));
    report(env.stubFor(subscription), "after", at(1, 20), "requests", 3);
    env.sleepUntil(at(2, 6));

    assertThat(again.duplicate()).isTrue();
    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-can");
    assertThat(quantity(ledger, "requests", hour(0))).isEqualTo(5);
    assertThat(quantity(ledger, "requests", hour(1))).isEqualTo(5);
    assertThat(env.stubFor(subscription).status().counters().runs()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void theValidatingUpdateRejectsBadInputWithoutTouchingState() {
    MeteringSubscription subscription = customers.subscribed("cust-bad", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    assertThatThrownBy(
            () ->
                workflow.reportUsage(
                    new UsageReport("bad", List.of(new UsageEntry("nope", -1, null)))))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("usage[0].dimension: 'nope'")
        .hasMessageContaining("usage[0].quantity");
    workflow.recordUsage(
        new UsageReport("bad-signal", List.of(new UsageEntry("requests", 1, "next tuesday"))));
    env.sleepUntil(at(1, 6));

    assertThat(workflow.status().rejectedReports())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("usage[0].timestamp"));
    assertThat(env.ledger(PRODUCT, "cust-bad"))
        .singleElement()
        .extracting(LedgerEntry::quantity)
        .isEqualTo(0L);
  }

  @Test
  void startingARunningCustomerAgainDoesNotCreateASecondWorkflow() {
    MeteringSubscription subscription = customers.subscribed("cust-twice", "requests");
    env.start(subscription);
    assertThatThrownBy(() -> env.start(subscription))
        .isInstanceOf(io.temporal.client.WorkflowExecutionAlreadyStarted.class);
    env.sleepUntil(at(1, 6));
    assertThat(env.ledger(PRODUCT, "cust-twice")).hasSize(1);
    assertThat(describe(subscription).getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  // ---------------------------------------------------------------- helpers

  private UsageReceipt report(
      CustomerMeteringWorkflow workflow, String id, Instant at, String dimension, long quantity) {
    if (env.now().isBefore(at)) {
      env.sleepUntil(at);
    }
    return workflow.reportUsage(
        new UsageReport(id, List.of(new UsageEntry(dimension, quantity, at.toString()))));
  }

  private WorkflowExecutionDescription describe(MeteringSubscription subscription) {
    return env.client.newUntypedWorkflowStub(workflowId(subscription)).describe();
  }

  private String searchAttributeState(MeteringSubscription subscription) {
    return describe(subscription).getTypedSearchAttributes().get(MeteringSearchAttributes.STATE);
  }

  private long entitlementChecks() {
    return env.simulator.requestLog().stream()
        .filter(r -> r.operation().equals("GetEntitlements"))
        .count();
  }

  private static long quantity(List<LedgerEntry> ledger, String dimension, Instant period) {
    List<Long> quantities = new ArrayList<>();
    ledger.stream()
        .filter(e -> e.dimension().equals(dimension) && e.timestamp().equals(period))
        .forEach(e -> quantities.add(e.quantity()));
    assertThat(quantities).as("one ledger record for %s at %s", dimension, period).hasSize(1);
    return quantities.get(0);
  }
}
