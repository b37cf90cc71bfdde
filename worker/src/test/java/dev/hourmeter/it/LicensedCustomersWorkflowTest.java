package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.testing.WorkflowReplayer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent Agreements: one AWS account holding two licenses of one product is metered by two
 * workflows, billed and verified separately, each record carrying its own LicenseArn; a license
 * that is not the account's fails only its own records, not those it shared a request with.
 */
class LicensedCustomersWorkflowTest {

  private static final String PRODUCT = "prod-concurrent";
  private static final String ACCOUNT = "123456789012";
  private static final String OTHER_ACCOUNT = "210987654321";
  private static final String LICENSE_A =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0123456789abcdef";
  private static final String LICENSE_B =
      "arn:aws:license-manager::123456789012:license/l-fedcba9876543210fedcba9876543210";
  private static final String LICENSE_OF_OTHER =
      "arn:aws:license-manager::210987654321:license/l-00000000000000000000000000000000";

  private MeteringTestEnvironment env;

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void twoLicensesOfOneAccountAreEachBilledExactlyOncePerHourForADay() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    env.simulator.subscribe(
        SubscriptionSpec.ofLicense(PRODUCT, ACCOUNT, LICENSE_A, "requests", "storage"));
    env.simulator.subscribe(
        SubscriptionSpec.ofLicense(PRODUCT, ACCOUNT, LICENSE_B, "requests", "storage"));
    MeteringSubscription a = subscription(LICENSE_A);
    MeteringSubscription b = subscription(LICENSE_B);
    CustomerMeteringWorkflow workflowA = env.start(a);
    CustomerMeteringWorkflow workflowB = env.start(b);
    IntUnaryOperator requestsA = h -> h + 1;
    IntUnaryOperator requestsB = h -> 100 + 3 * h;
    IntUnaryOperator storageB = h -> h % 4;

    for (int h = 0; h < 24; h++) {
      env.sleepUntil(at(h, 30));
      report(workflowA, "a-" + h, at(h, 30), "requests", requestsA.applyAsInt(h));
      report(workflowB, "b-" + h, at(h, 30), "requests", requestsB.applyAsInt(h));
      report(workflowB, "bs-" + h, at(h, 31), "storage", storageB.applyAsInt(h));
    }
    env.sleepUntil(at(24, 10)); // 23:00 submitted at 24:05, 22:00 checked in CloudTrail then

    List<LedgerEntry> ledgerA = env.simulator.ledger(PRODUCT, ACCOUNT, LICENSE_A);
    List<LedgerEntry> ledgerB = env.simulator.ledger(PRODUCT, ACCOUNT, LICENSE_B);
    assertThat(env.ledger(PRODUCT, ACCOUNT)).hasSize(2 * 24 * 2);
    assertThat(ledgerA).hasSize(24 * 2).allMatch(e -> LICENSE_A.equals(e.licenseArn()));
    assertThat(ledgerB).hasSize(24 * 2).allMatch(e -> LICENSE_B.equals(e.licenseArn()));
    for (int h = 0; h < 24; h++) {
      assertThat(quantity(ledgerA, "requests", hour(h))).isEqualTo(requestsA.applyAsInt(h));
      assertThat(quantity(ledgerA, "storage", hour(h))).isZero();
      assertThat(quantity(ledgerB, "requests", hour(h))).isEqualTo(requestsB.applyAsInt(h));
      assertThat(quantity(ledgerB, "storage", hour(h))).isEqualTo(storageB.applyAsInt(h));
    }
    assertThat(env.meteringRequests()).allMatch(r -> r.errorType() == null);
    for (CustomerMeteringWorkflow workflow : List.of(workflowA, workflowB)) {
      MeteringStatus status = workflow.status();
      assertThat(status.counters().recordsAccepted()).isEqualTo(48);
      assertThat(status.counters().recordsNotAccepted()).isZero();
      assertThat(status.counters().recordsVerified()).isEqualTo(46); // 00:00 to 22:00
      assertThat(status.counters().recordsUnverified()).isZero();
      assertThat(status.recentRecords())
          .filteredOn(r -> r.periodStart().isBefore(hour(23)))
          .isNotEmpty()
          .extracting(SubmittedRecord::receipt)
          .containsOnly(ReceiptStatus.VERIFIED);
    }
    assertThat(searchAttribute(a)).isEqualTo(LICENSE_A);
    assertThat(searchAttribute(b)).isEqualTo(LICENSE_B);
    WorkflowMetadata metadata =
        env.client
            .newUntypedWorkflowStub(TestCustomers.workflowId(b))
            .query("__temporal_workflow_metadata", WorkflowMetadata.class);
    assertThat(metadata.getCurrentDetails()).startsWith("**License** " + LICENSE_B + "  \n");
    assertThat(workflowA.status().workflowId())
        .isEqualTo(MeteringWorkflowIds.forCustomer(PRODUCT, ACCOUNT, LICENSE_A));
    try {
      WorkflowReplayer.replayWorkflowExecution(
          env.client.fetchHistory(TestCustomers.workflowId(b)), CustomerMeteringWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError("history does not replay", e);
    }
  }

  @Test
  void aLicenseThatIsNotTheAccountsFailsOnlyItsOwnRecordsOfTheSharedRequest() {
    // Auto-subscribe: the account is entitled to the product under any license; the simulator
    // grants LICENSE_OF_OTHER to another account, so BatchMeterUsage refuses it for ACCOUNT. (The
    // product of LICENSE_A, which no subscription grants, is unknown to it: any product matches.)
    env =
        MeteringTestEnvironment.withProductionLinger(
            new InMemoryUsageSource(), /* autoSubscribe= */ true);
    env.simulator.subscribe(
        SubscriptionSpec.ofLicense(PRODUCT, OTHER_ACCOUNT, LICENSE_OF_OTHER, "requests"));
    CustomerMeteringWorkflow good = env.start(subscription(LICENSE_A, "requests"));
    CustomerMeteringWorkflow bad = env.start(subscription(LICENSE_OF_OTHER, "requests"));
    report(good, "good", at(0, 30), "requests", 7);
    report(bad, "bad", at(0, 30), "requests", 9);

    env.sleepUntil(at(1, 10)); // 00:00 submitted at 01:05 by both, in one batch

    assertThat(env.simulator.ledger(null, ACCOUNT, LICENSE_A))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.quantity()).isEqualTo(7);
              assertThat(e.timestamp()).isEqualTo(hour(0));
            });
    assertThat(env.simulator.ledger(null, ACCOUNT, LICENSE_OF_OTHER)).isEmpty();
    assertThat(env.meteringRequests())
        .first()
        .as("both licenses' records shared the first request, refused as a whole")
        .extracting(RequestLogEntry::errorType, RequestLogEntry::records)
        .containsExactly("InvalidLicenseException", 2);
    MeteringStatus goodStatus = good.status();
    assertThat(goodStatus.recentRecords())
        .singleElement()
        .extracting(SubmittedRecord::status)
        .isEqualTo(RecordStatus.SUCCESS);
    MeteringStatus badStatus = bad.status();
    assertThat(badStatus.recentRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(RecordStatus.INVALID);
              assertThat(r.detail()).contains("InvalidLicenseException");
            });
    assertThat(badStatus.counters().recordsAccepted()).isZero();
    assertThat(badStatus.counters().recordsNotAccepted()).isEqualTo(1);
  }

  /**
   * Hourly metering of one license without a close spread: both licenses close at the same instant,
   * so that their records share BatchMeterUsage requests, as these tests need.
   */
  private static MeteringSubscription subscription(String license, String... dimensions) {
    MeteringSubscription defaults =
        MeteringSubscription.of(
            PRODUCT,
            CustomerId.licensed(ACCOUNT, license),
            List.of(dimensions.length == 0 ? new String[] {"requests", "storage"} : dimensions),
            PricingModel.SUBSCRIPTION,
            Duration.ofHours(1));
    return defaults.withTuning(defaults.tuning().toBuilder().closeSpread(Duration.ZERO).build());
  }

  private void report(
      CustomerMeteringWorkflow workflow, String id, Instant at, String dimension, long quantity) {
    env.sleepUntil(at);
    workflow.reportUsage(
        new UsageReport(id, List.of(new UsageEntry(dimension, quantity, at.toString()))));
  }

  private String searchAttribute(MeteringSubscription subscription) {
    return env.client
        .newUntypedWorkflowStub(TestCustomers.workflowId(subscription))
        .describe()
        .getTypedSearchAttributes()
        .get(MeteringSearchAttributes.LICENSE);
  }

  private static long quantity(List<LedgerEntry> ledger, String dimension, Instant period) {
    List<Long> quantities =
        ledger.stream()
            .filter(e -> e.dimension().equals(dimension) && e.timestamp().equals(period))
            .map(LedgerEntry::quantity)
            .toList();
    assertThat(quantities).as("one ledger record for %s at %s", dimension, period).hasSize(1);
    return quantities.get(0);
  }
}
