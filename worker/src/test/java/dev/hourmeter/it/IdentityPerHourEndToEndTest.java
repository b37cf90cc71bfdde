package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.Agreement;
import dev.hourmeter.simulator.AgreementSpec;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.ProductSpec;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One identity per customer-hour, end to end: a legacy customer whose agreement links its
 * CustomerIdentifier to its AWS account (so the simulator knows both identities are one buyer)
 * moves to a license mid-stream, with usage before and after, late usage carried across the switch,
 * and a lost CloudTrail event on each side of it forcing a re-send. The simulator bills records of
 * both kinds, as AWS does, and flags any hour billed under both: it flags none, and every unit is
 * billed once.
 */
class IdentityPerHourEndToEndTest {

  private static final String PRODUCT = "prod-migrating";
  private static final String LEGACY = "cust-legacy-9";
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

  @Test
  void aMigrationAroundTwoReSendsBillsEveryHourUnderOneIdentityAndEveryUnitOnce() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    env.simulator.registerProduct(ProductSpec.migrating(PRODUCT, "requests"));
    Agreement agreement =
        env.simulator.agreements().create(AgreementSpec.of(PRODUCT, ACCOUNT, "requests"), LEGACY);
    assertThat(agreement.customerIdentifier()).isEqualTo(LEGACY);
    env.simulator.subscribe(SubscriptionSpec.ofLicense(PRODUCT, ACCOUNT, LICENSE, "requests"));
    // 00:00's CloudTrail event is lost: re-sent (legacy) after the switch.
    env.simulator.setFaults(FaultSpec.builder().dropCloudTrailEventsNext(1).build());
    CustomerMeteringWorkflow workflow = env.start(hourly());

    report(workflow, "before", at(0, 30), at(0, 30), 7);
    env.sleepUntil(at(1, 20)); // 00:00 submitted at 01:05 under the legacy identity
    assertThat(workflow.migrateIdentity(new IdentityMigration(ACCOUNT, LICENSE)).effectiveFrom())
        .isEqualTo(hour(1));
    report(workflow, "late", at(1, 25), at(0, 45), 2); // 00:00 is sealed: carried into 01:00
    report(workflow, "after", at(1, 30), at(1, 30), 3);
    env.sleepUntil(at(1, 40));
    // 01:00's CloudTrail event is lost too: re-sent (licensed).
    env.simulator.setFaults(FaultSpec.builder().dropCloudTrailEventsNext(1).build());
    report(workflow, "after-2", at(2, 30), at(2, 30), 4);

    env.sleepUntil(at(7, 10)); // re-sends at 04:05 and 05:05, found an hour later each

    List<LedgerEntry> ledger = env.simulator.ledger(PRODUCT, null, null);
    assertThat(env.simulator.identityOverlaps()).as("hours billed under both identities").isZero();
    assertThat(ledger).noneMatch(LedgerEntry::identityOverlap);
    Map<Integer, Long> legacy = quantities(env.simulator.ledger(PRODUCT, LEGACY, null));
    Map<Integer, Long> licensed = quantities(env.simulator.ledger(PRODUCT, ACCOUNT, LICENSE));
    assertThat(legacy).containsExactly(Map.entry(0, 7L));
    assertThat(licensed)
        .containsExactly(
            Map.entry(1, 5L),
            Map.entry(2, 4L),
            Map.entry(3, 0L),
            Map.entry(4, 0L),
            Map.entry(5, 0L),
            Map.entry(6, 0L));
    assertThat(ledger).hasSize(7);
    assertThat(ledger.stream().mapToLong(LedgerEntry::quantity).sum())
        .as("every unit billed exactly once")
        .isEqualTo(7 + 2 + 3 + 4);

    MeteringStatus status = workflow.status();
    assertThat(status.counters().recordsResent()).as("00:00 and 01:00 re-sent").isEqualTo(2);
    assertThat(status.counters().recordsUnverified()).isZero();
    assertThat(status.counters().recordsReassigned()).isZero();
    assertThat(
            env.meteringRequests().stream()
                .filter(r -> r.errorType() == null)
                .mapToInt(r -> r.records() == null ? 0 : r.records())
                .sum())
        .as("seven hours sent once, two of them twice")
        .isEqualTo(9);
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

  /** Billed quantity per hour of the day (hours since 00:00). */
  private static Map<Integer, Long> quantities(List<LedgerEntry> ledger) {
    return ledger.stream()
        .collect(
            Collectors.toMap(
                e -> (int) Duration.between(hour(0), e.timestamp()).toHours(),
                LedgerEntry::quantity,
                Long::sum,
                TreeMap::new));
  }
}
