package dev.hourmeter.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.ApiOperation;
import dev.hourmeter.simulator.CustomerId;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * AWS's timestamp window with the default tuning (24 hours) and its month-end cut-off: records of
 * November are accepted only until 2026-12-01T06:00Z. Hourly periods, the real simulator (whose
 * window and cut-off are AWS's) on the test clock; AWS throttles every BatchMeterUsage call during
 * the outages, so nothing is billed until they end.
 */
class MonthEndWindowWorkflowTest {

  private static final String PRODUCT = "prod-month-end";

  /** 20 minutes into the 20:00 period of the last day of November. */
  static final Instant MONTH_END_START = Instant.parse("2026-11-30T20:20:00Z");

  private static final Instant NOV_30_22H = Instant.parse("2026-11-30T22:00:00Z");
  private static final Instant NOV_30_23H = Instant.parse("2026-11-30T23:00:00Z");
  private static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");

  private MeteringTestEnvironment env;

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void lateHoursOfTheMonthAreSentBeforeSixOnTheFirstInTheirOwnHours() {
    env = monthEndEnvironment();
    CustomerMeteringWorkflow workflow = start("cust-sent");
    outageOverMidnight(workflow, "cust-sent", Instant.parse("2026-12-01T04:30:00Z"));

    env.sleepUntil(Instant.parse("2026-12-01T06:30:00Z"));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-sent");
    assertThat(quantityStamped(ledger, NOV_30_22H)).isEqualTo(5);
    assertThat(quantityStamped(ledger, NOV_30_23H))
        .as("23:00 of the 30th billed in its own hour once AWS answered, before 06:00 on the 1st")
        .isEqualTo(7);
    assertThat(total(ledger)).as("every unit billed exactly once").isEqualTo(12);
    assertThat(acceptedAt(ledger, NOV_30_23H))
        .isBefore(Instant.parse("2026-12-01T06:00:00Z"))
        .isAfter(Instant.parse("2026-12-01T04:30:00Z"));
    assertThat(workflow.status().carried()).isEmpty();
  }

  @Test
  void usageOfTheMonthStillUnsentAtTheCutOffIsCarriedIntoDecember() {
    env = monthEndEnvironment();
    CustomerMeteringWorkflow workflow = start("cust-carried");
    outageOverMidnight(workflow, "cust-carried", Instant.parse("2026-12-01T06:30:00Z"));

    env.sleepUntil(Instant.parse("2026-12-01T06:10:00Z")); // 23:00's deadline (05:50) has passed
    MeteringStatus during = workflow.status();
    assertThat(during.carried())
        .as("shown as carried in status: refused by AWS until the month's records closed")
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.reason()).isEqualTo(CarriedUsage.NOT_ACCEPTED);
              assertThat(c.fromPeriod()).isEqualTo(NOV_30_23H);
              assertThat(c.toPeriod()).isAfterOrEqualTo(DECEMBER);
              assertThat(c.quantity()).isEqualByComparingTo(java.math.BigDecimal.valueOf(7));
            });
    Instant target = during.carried().get(0).toPeriod();
    env.sleepUntil(Instant.parse("2026-12-01T08:30:00Z"));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-carried");
    assertThat(ledger)
        .as("no record of November sent after the cut-off")
        .filteredOn(e -> e.timestamp().isBefore(DECEMBER))
        .extracting(LedgerEntry::timestamp)
        .containsExactly(
            Instant.parse("2026-11-30T20:00:00Z"),
            Instant.parse("2026-11-30T21:00:00Z"),
            NOV_30_22H);
    assertThat(quantityStamped(ledger, target))
        .as("the 30th's usage billed in the open December period it was carried to")
        .isEqualTo(7);
    assertThat(total(ledger)).as("every unit billed exactly once").isEqualTo(12);
  }

  @Test
  void aTenHourOutageNoLongerCarriesUsageItIsSentLateInItsOwnHour() {
    // Mid-month: the 24-hour window alone decides. Under the former 6-hour window 00:00's usage
    // would have been carried at 05:50.
    env = new MeteringTestEnvironment(new InMemoryUsageSource(), false, Duration.ofHours(1));
    CustomerMeteringWorkflow workflow = start("cust-late");
    Instant t0 = MeteringTestEnvironment.START; // 2026-11-26T00:20
    Instant h00 = Instant.parse("2026-11-26T00:00:00Z");
    report(workflow, t0.plus(Duration.ofMinutes(10)), 5); // period 00:00
    env.sleepUntil(t0.plus(Duration.ofMinutes(20)));
    throttleMetering();
    env.sleepUntil(t0.plus(Duration.ofMinutes(20)).plus(Duration.ofHours(10))); // 10:40
    assertThat(env.ledger(PRODUCT, "cust-late")).as("nothing billed during the outage").isEmpty();
    env.simulator.setFaults(FaultSpec.none());

    env.sleepUntil(Instant.parse("2026-11-26T11:30:00Z"));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-late");
    assertThat(quantityStamped(ledger, h00)).isEqualTo(5);
    assertThat(acceptedAt(ledger, h00)).isAfter(Instant.parse("2026-11-26T10:40:00Z"));
    assertThat(total(ledger)).isEqualTo(5);
    assertThat(ledger)
        .as("every hour of the outage billed late in its own hour")
        .extracting(LedgerEntry::timestamp)
        .contains(
            h00, Instant.parse("2026-11-26T05:00:00Z"), Instant.parse("2026-11-26T09:00:00Z"));
    assertThat(workflow.status().carried()).isEmpty();
  }

  // ---------------------------------------------------------------- helpers

  static MeteringTestEnvironment monthEndEnvironment() {
    return new MeteringTestEnvironment(
        new InMemoryUsageSource(), false, Duration.ofHours(1), MONTH_END_START);
  }

  /**
   * 5 units in 22:00 of the 30th (billed at once), then AWS throttles every BatchMeterUsage call
   * from 23:10 until {@code outageEnds}, and 7 units arrive in 23:00.
   */
  private void outageOverMidnight(
      CustomerMeteringWorkflow workflow, String customer, Instant outageEnds) {
    report(workflow, Instant.parse("2026-11-30T22:30:00Z"), 5);
    env.sleepUntil(Instant.parse("2026-11-30T23:10:00Z"));
    assertThat(quantityStamped(env.ledger(PRODUCT, customer), NOV_30_22H)).isEqualTo(5);
    throttleMetering();
    report(workflow, Instant.parse("2026-11-30T23:30:00Z"), 7);
    env.sleepUntil(outageEnds);
    assertThat(env.ledger(PRODUCT, customer))
        .as("nothing billed during the outage")
        .filteredOn(e -> !e.timestamp().isBefore(NOV_30_23H))
        .isEmpty();
    env.simulator.setFaults(FaultSpec.none());
  }

  private void throttleMetering() {
    env.simulator.setFaults(
        FaultSpec.builder().throttleRate(1.0).operations(ApiOperation.BATCH_METER_USAGE).build());
  }

  /**
   * An hourly subscription with the default tuning: a 24-hour window; but no close spread, so that
   * each period closes at its end plus grace, as the timelines here were written for.
   */
  private CustomerMeteringWorkflow start(String customer) {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier(customer), "requests"));
    MeteringSubscription defaults =
        MeteringSubscription.of(
            PRODUCT,
            dev.hourmeter.workflows.model.api.CustomerId.parse(customer),
            List.of("requests"),
            PricingModel.SUBSCRIPTION,
            Duration.ofHours(1));
    assertThat(defaults.tuning().window()).isEqualTo(MeteringTuning.MAX_WINDOW);
    return env.start(
        defaults.withTuning(defaults.tuning().toBuilder().closeSpread(Duration.ZERO).build()));
  }

  private void report(CustomerMeteringWorkflow workflow, Instant at, long quantity) {
    env.sleepUntil(at);
    workflow.reportUsage(
        new UsageReport("r-" + at, List.of(new UsageEntry("requests", quantity, at.toString()))));
  }

  private static long quantityStamped(List<LedgerEntry> ledger, Instant timestamp) {
    return ledger.stream()
        .filter(e -> e.timestamp().equals(timestamp))
        .mapToLong(LedgerEntry::quantity)
        .sum();
  }

  private static long total(List<LedgerEntry> ledger) {
    return ledger.stream().mapToLong(LedgerEntry::quantity).sum();
  }

  private static Instant acceptedAt(List<LedgerEntry> ledger, Instant timestamp) {
    return ledger.stream()
        .filter(e -> e.timestamp().equals(timestamp) && e.quantity() > 0)
        .map(LedgerEntry::acceptedAt)
        .findFirst()
        .orElseThrow();
  }
}
