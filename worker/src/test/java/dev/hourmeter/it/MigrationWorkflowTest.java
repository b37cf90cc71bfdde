package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.ProductSpec;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MigrationResult;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.model.checkpoint.IdentityChange;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.WorkflowReplayer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A legacy customer moved to CustomerAWSAccountId + LicenseArn while it runs: periods submitted
 * before the migration keep the legacy identity (with their receipt checks), the first period not
 * yet submitted and every later one carry the license, and no hour is missing or billed twice
 * across the switch, in the simulator's ledger (a migrating product takes both kinds of request).
 */
class MigrationWorkflowTest {

  private static final String PRODUCT = "prod-migrating";
  private static final String LEGACY = "cust-legacy-7";
  private static final String ACCOUNT = "123456789012";
  private static final String LICENSE =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0123456789abcdef";

  private MeteringTestEnvironment env;

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
  }

  private void subscribeBothIdentities() {
    env.simulator.registerProduct(ProductSpec.migrating(PRODUCT, "requests"));
    env.simulator.subscribe(
        SubscriptionSpec.of(
            PRODUCT, dev.hourmeter.simulator.CustomerId.identifier(LEGACY), "requests"));
    env.simulator.subscribe(SubscriptionSpec.ofLicense(PRODUCT, ACCOUNT, LICENSE, "requests"));
  }

  @Test
  void aLegacyCustomerMigratedMidDayIsBilledEveryHourExactlyOnce() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    subscribeBothIdentities();
    MeteringSubscription legacy =
        hourly().withTuning(hourly().tuning().toBuilder().continueAsNewAfterPeriods(4).build());
    CustomerMeteringWorkflow workflow = env.start(legacy);

    for (int h = 0; h < 24; h++) {
      report(workflow, "r-" + h, at(h, 30), at(h, 30), h + 1);
      if (h == 11) {
        env.sleepUntil(at(11, 40)); // 10:00 was submitted at 11:05; 11:00 is still open
        MigrationResult result = workflow.migrateIdentity(new IdentityMigration(ACCOUNT, LICENSE));
        assertThat(result.outcome()).isEqualTo(MigrationResult.MIGRATED);
        assertThat(result.effectiveFrom()).isEqualTo(hour(11));
        assertThat(result.workflowId()).isEqualTo(TestCustomers.workflowId(legacy));
        // Sent again (a retried CLI run): nothing changes.
        MigrationResult again = workflow.migrateIdentity(new IdentityMigration(ACCOUNT, LICENSE));
        assertThat(again.outcome()).isEqualTo(MigrationResult.ALREADY_MIGRATED);
        assertThat(again.effectiveFrom()).isEqualTo(hour(11));
        // Usage of 09:00 arriving late, after the switch: carried into 11:00, billed licensed.
        report(workflow, "late-9", at(11, 41), at(9, 45), 100);
      }
    }
    env.sleepUntil(at(24, 10));

    List<LedgerEntry> legacyLedger = env.simulator.ledger(PRODUCT, LEGACY, null);
    List<LedgerEntry> licensedLedger = env.simulator.ledger(PRODUCT, ACCOUNT, LICENSE);
    assertThat(legacyLedger).allMatch(e -> e.licenseArn() == null);
    assertThat(hours(legacyLedger)).as("legacy: hours 00..10, once each").isEqualTo(range(0, 11));
    assertThat(hours(licensedLedger))
        .as("licensed: hours 11..23, once each")
        .isEqualTo(range(11, 24));
    assertThat(legacyLedger).hasSize(11);
    assertThat(licensedLedger).hasSize(13);
    for (LedgerEntry e : legacyLedger) {
      assertThat(e.quantity()).isEqualTo(hourOf(e) + 1);
    }
    for (LedgerEntry e : licensedLedger) {
      assertThat(e.quantity()).isEqualTo(hourOf(e) + 1 + (hourOf(e) == 11 ? 100 : 0));
    }
    assertThat(env.meteringRequests()).allMatch(r -> r.errorType() == null);

    MeteringStatus status = workflow.status();
    assertThat(status.customer()).isEqualTo(LEGACY);
    assertThat(status.identityChanges())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.from()).isEqualTo(CustomerId.legacy(LEGACY));
              assertThat(c.to()).isEqualTo(CustomerId.licensed(ACCOUNT, LICENSE));
              assertThat(c.migratedAt()).isBetween(at(11, 40), at(11, 41));
              assertThat(c.effectiveFrom()).isEqualTo(hour(11));
            });
    assertThat(status.counters().recordsUnverified()).isZero();
    SearchAttributes attributes =
        env.client
            .newUntypedWorkflowStub(TestCustomers.workflowId(legacy))
            .describe()
            .getTypedSearchAttributes();
    assertThat(attributes.get(MeteringSearchAttributes.LICENSE)).isEqualTo(LICENSE);
    assertThat(attributes.get(MeteringSearchAttributes.CUSTOMER)).isEqualTo(ACCOUNT);

    // The identity survived continue-as-new (every 4 periods): the latest run started from a
    // checkpoint holding it, and its history replays (what a restarted worker does).
    var history = env.client.fetchHistory(TestCustomers.workflowId(legacy));
    HistoryEvent started = history.getEvents().get(0);
    assertThat(started.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(
            started
                .getWorkflowExecutionStartedEventAttributes()
                .getInput()
                .getPayloads(0)
                .getData()
                .toStringUtf8())
        .contains("\"identityChanges\"")
        .contains(LICENSE);
    try {
      WorkflowReplayer.replayWorkflowExecution(history, CustomerMeteringWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError("history does not replay", e);
    }
  }

  @Test
  void aRecordSentBeforeTheMigrationIsReSentUnderItsOwnIdentityAndBilledOnce() {
    // 00:00 is accepted but its CloudTrail event is lost: after the 01:20 migration, the re-send
    // (the 04:05 close) still carries the legacy identity, so AWS deduplicates it.
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    subscribeBothIdentities();
    env.simulator.setFaults(FaultSpec.builder().dropCloudTrailEventsNext(1).build());
    CustomerMeteringWorkflow workflow = env.start(hourly());
    report(workflow, "r", at(0, 30), at(0, 30), 7);
    env.sleepUntil(at(1, 20));
    assertThat(workflow.migrateIdentity(new IdentityMigration(ACCOUNT, LICENSE)).effectiveFrom())
        .isEqualTo(hour(1));

    env.sleepUntil(at(5, 10)); // re-sent at 04:05, found at 05:05

    MeteringStatus status = workflow.status();
    assertThat(status.counters().recordsResent()).isEqualTo(1);
    assertThat(status.counters().recordsUnverified()).isZero();
    assertThat(status.recentRecords())
        .filteredOn(r -> r.periodStart().equals(hour(0)))
        .singleElement()
        .satisfies(r -> assertThat(r.receipt()).isEqualTo(ReceiptStatus.VERIFIED));
    assertThat(env.simulator.ledger(PRODUCT, LEGACY, null))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.timestamp()).isEqualTo(hour(0));
              assertThat(e.quantity()).isEqualTo(7);
            });
    assertThat(hours(env.simulator.ledger(PRODUCT, ACCOUNT, LICENSE)))
        .as("01:00..04:00 licensed, 00:00 never")
        .isEqualTo(range(1, 5));
    assertThat(env.meteringRequests().stream().filter(r -> r.errorType() == null).count())
        .as("00:00 went out twice (the re-send), each later hour once")
        .isEqualTo(6);
  }

  @Test
  void theValidatorRefusesBadInputAndAnotherLicenseNamingTheField() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    subscribeBothIdentities();
    CustomerMeteringWorkflow workflow = env.start(hourly());

    assertThatThrownBy(() -> workflow.migrateIdentity(new IdentityMigration("12345", LICENSE)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("customerAwsAccountId");
    assertThatThrownBy(() -> workflow.migrateIdentity(new IdentityMigration(ACCOUNT, "l-123")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("licenseArn");
    assertThat(workflow.migrateIdentity(new IdentityMigration(ACCOUNT, LICENSE)).outcome())
        .isEqualTo(MigrationResult.MIGRATED);
    String other = LICENSE.replace("0123456789abcdef", "fedcba9876543210");
    assertThatThrownBy(() -> workflow.migrateIdentity(new IdentityMigration(ACCOUNT, other)))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("licenseArn: this workflow already meters");
    assertThat(workflow.status().identityChanges()).hasSize(1);
    workflow.unsubscribe();
    env.sleepUntil(at(1, 0));
    assertThatThrownBy(() -> workflow.migrateIdentity(new IdentityMigration(ACCOUNT, LICENSE)))
        .isInstanceOf(Exception.class);
  }

  @Test
  void aPeriodWhoseFateWasUnknownBeforeTheMigrationIsBilledOnceUnderTheLicense() {
    Instant t0 = MeteringTestEnvironment.START; // 00:20, a period start
    env = new MeteringTestEnvironment(new InMemoryUsageSource(), false, Duration.ofMinutes(1));
    subscribeBothIdentities();
    MeteringSubscription legacy =
        TestCustomers.sixPeriodWindow(
            MeteringSubscription.of(
                PRODUCT,
                CustomerId.legacy(LEGACY),
                List.of("requests"),
                PricingModel.SUBSCRIPTION,
                Duration.ofMinutes(1)));
    CustomerMeteringWorkflow workflow = env.start(legacy);
    report(workflow, "before", t0.plusSeconds(30), t0.plusSeconds(30), 4);
    env.simulator.setFaults(FaultSpec.builder().serverErrorRate(1.0).build());

    env.sleepUntil(t0.plus(Duration.ofSeconds(6 * 60 + 10))); // 00:20's window closed: fate unknown
    MigrationResult result = workflow.migrateIdentity(new IdentityMigration(ACCOUNT, LICENSE));
    Instant effective = result.effectiveFrom();
    assertThat(effective).as("00:21 is being submitted: it keeps the legacy identity").isAfter(t0);
    env.simulator.setFaults(FaultSpec.none());
    Instant later = t0.plus(Duration.ofMinutes(8)).plusSeconds(30);
    report(workflow, "after", later, later, 3);
    env.sleepUntil(t0.plus(Duration.ofMinutes(14)));

    List<LedgerEntry> legacyLedger = env.simulator.ledger(PRODUCT, LEGACY, null);
    List<LedgerEntry> licensedLedger = env.simulator.ledger(PRODUCT, ACCOUNT, LICENSE);
    assertThat(legacyLedger).allMatch(e -> e.timestamp().isBefore(effective));
    assertThat(licensedLedger).allMatch(e -> !e.timestamp().isBefore(effective));
    Set<Instant> legacyPeriods = periods(legacyLedger);
    Set<Instant> licensedPeriods = periods(licensedLedger);
    assertThat(legacyPeriods).hasSize(legacyLedger.size());
    assertThat(licensedPeriods).hasSize(licensedLedger.size());
    assertThat(legacyPeriods)
        .as("the unknown-fate record of 00:20 was never re-sent under either identity")
        .doesNotContain(t0);
    assertThat(licensedPeriods).doesNotContain(t0);
    long billed =
        legacyLedger.stream().mapToLong(LedgerEntry::quantity).sum()
            + licensedLedger.stream().mapToLong(LedgerEntry::quantity).sum();
    assertThat(billed).as("every unit billed exactly once").isEqualTo(7);
    assertThat(licensedLedger.stream().mapToLong(LedgerEntry::quantity).sum())
        .as("00:20's usage, not found in CloudTrail, carried into a licensed period")
        .isEqualTo(7);
    assertThat(workflow.status().carried())
        .extracting(CarriedUsage::reason)
        .contains(CarriedUsage.NOT_IN_CLOUDTRAIL);
    List<IdentityChange> changes = workflow.status().identityChanges();
    assertThat(changes).extracting(IdentityChange::effectiveFrom).containsExactly(effective);
  }

  private static MeteringSubscription hourly() {
    return TestCustomers.sixPeriodWindow(
        MeteringSubscription.of(
            PRODUCT,
            CustomerId.legacy(LEGACY),
            List.of("requests"),
            PricingModel.SUBSCRIPTION,
            Duration.ofHours(1)));
  }

  private void report(
      CustomerMeteringWorkflow workflow, String id, Instant sentAt, Instant usedAt, long quantity) {
    env.sleepUntil(sentAt);
    workflow.reportUsage(
        new UsageReport(id, List.of(new UsageEntry("requests", quantity, usedAt.toString()))));
  }

  private static int hourOf(LedgerEntry e) {
    return (int) Duration.between(hour(0), e.timestamp()).toHours();
  }

  private static Set<Integer> hours(List<LedgerEntry> ledger) {
    return ledger.stream()
        .map(MigrationWorkflowTest::hourOf)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Instant> periods(List<LedgerEntry> ledger) {
    return ledger.stream().map(LedgerEntry::timestamp).collect(Collectors.toSet());
  }

  private static Set<Integer> range(int from, int to) {
    Set<Integer> hours = new TreeSet<>();
    for (int h = from; h < to; h++) {
      hours.add(h);
    }
    return hours;
  }
}
