package dev.hourmeter.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.ApiOperation;
import dev.hourmeter.simulator.CustomerId;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Receipt verification through CloudTrail, on skipped time: the simulator records one CloudTrail
 * event per accepted BatchMeterUsage call and shows it after its delivery delay (PT5M); the
 * workflow looks at the first period close at least 30 minutes after submitting (hh:05 for the
 * period submitted an hour before), re-sends what is still missing at the first close within two
 * hours of the window's end, and otherwise marks it UNVERIFIED.
 */
class ReceiptVerificationWorkflowTest {

  private static final String PRODUCT = "prod-verify";
  private static final Instant H00 = Instant.parse("2026-11-26T00:00:00Z");

  private MeteringTestEnvironment env = new MeteringTestEnvironment(new InMemoryUsageSource());

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void everyAcceptedRecordIsVerified() {
    CustomerMeteringWorkflow workflow = start("cust-ok", "requests", "storage");
    report(workflow, at(0, 30), 5);

    env.sleepUntil(
        at(4, 10)); // periods 00..03 submitted at hh:05; 00..02 checked at the next close

    MeteringStatus status = workflow.status();
    assertThat(env.ledger(PRODUCT, "cust-ok")).hasSize(8);
    assertThat(status.counters().recordsVerified()).isEqualTo(6);
    assertThat(status.counters().recordsResent()).isZero();
    assertThat(status.recentRecords())
        .filteredOn(r -> r.periodStart().isBefore(at(3, 0)))
        .extracting(SubmittedRecord::receipt)
        .hasSize(6)
        .containsOnly(ReceiptStatus.VERIFIED);
    assertThat(status.recentRecords())
        .filteredOn(r -> r.periodStart().equals(at(3, 0)))
        .extracting(SubmittedRecord::receipt)
        .containsOnly(ReceiptStatus.PENDING);
    assertThat(status.verifications()).hasSize(1);
    assertThat(env.meteringRequests()).hasSize(4);
  }

  @Test
  void aRecordMissingFromCloudTrailIsResentOnceIdenticallyAndThenVerified() {
    env.simulator.setFaults(FaultSpec.builder().dropCloudTrailEventsNext(1).build());
    CustomerMeteringWorkflow workflow = start("cust-drop", "requests");
    report(workflow, at(0, 30), 7);

    env.sleepUntil(
        at(5, 10)); // 00:00 is re-sent at the 04:05 close (re-send from 03:50: window ends 05:50,
    // lead 2 h)

    List<RequestLogEntry> calls = env.meteringRequests();
    assertThat(calls).as("one call per period (00..04) plus exactly one re-send").hasSize(6);
    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-drop");
    assertThat(ledger)
        .filteredOn(e -> e.timestamp().equals(H00))
        .singleElement()
        .extracting(LedgerEntry::quantity)
        .as("billed once, with the first quantity")
        .isEqualTo(7L);
    MeteringStatus status = workflow.status();
    assertThat(status.counters().recordsResent()).isEqualTo(1);
    assertThat(status.counters().recordsUnverified()).isZero();
    assertThat(status.recentRecords())
        .filteredOn(r -> r.periodStart().equals(H00))
        .singleElement()
        .extracting(SubmittedRecord::receipt)
        .isEqualTo(ReceiptStatus.VERIFIED);
  }

  @Test
  void aRecordThatCannotBeResentInTimeEndsUnverifiedAndFindable() {
    // Batching off: the re-send meets hours of server errors, and each attempt of the batcher
    // retries them in real time (seconds an attempt, hundreds of attempts) where time skipping
    // cannot help; without it a server error ends the attempt at once.
    env.close();
    env = new MeteringTestEnvironment(new InMemoryUsageSource(), false, Duration.ofHours(1));
    CustomerMeteringWorkflow workflow = start("cust-lost", "requests");
    report(workflow, at(0, 30), 3);
    env.sleepUntil(at(1, 2));
    // Every CloudTrail event of this customer's calls is lost, and from 03:45 (before the 04:05
    // re-send of
    // 00:00) AWS answers every call with a server error until the window of 00:00 has closed.
    env.simulator.setFaults(FaultSpec.builder().dropCloudTrailEvents(true).build());
    env.sleepUntil(at(3, 45));
    env.simulator.setFaults(
        FaultSpec.builder().dropCloudTrailEvents(true).serverErrorRate(1.0).build());

    env.sleepUntil(at(6, 30));

    MeteringStatus status = workflow.status();
    assertThat(status.unverifiedRecords()).extracting(SubmittedRecord::periodStart).contains(H00);
    assertThat(status.counters().recordsUnverified()).isPositive();
    assertThat(env.ledger(PRODUCT, "cust-lost"))
        .filteredOn(e -> e.timestamp().equals(H00))
        .hasSize(1);
    String attribute =
        env.client
            .newUntypedWorkflowStub(MeteringWorkflowIds.forCustomer(PRODUCT, "cust-lost"))
            .describe()
            .getTypedSearchAttributes()
            .get(MeteringSearchAttributes.VERIFICATION);
    assertThat(attribute).isEqualTo("UNVERIFIED");
  }

  @Test
  void cloudTrailThrottlingIsRetried() {
    env.simulator.setFaults(
        FaultSpec.builder().throttleNext(3).operations(Set.of(ApiOperation.LOOKUP_EVENTS)).build());
    CustomerMeteringWorkflow workflow = start("cust-throttled", "requests");

    env.sleepUntil(at(2, 10)); // 00:00 submitted at 01:05, checked at the 02:05 close

    assertThat(env.simulator.requestLog())
        .filteredOn(r -> r.operation().equals("LookupEvents"))
        .extracting(RequestLogEntry::errorType)
        .contains("ThrottlingException");
    assertThat(workflow.status().counters().recordsVerified()).isEqualTo(1);
  }

  private CustomerMeteringWorkflow start(String customer, String... dimensions) {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier(customer), dimensions));
    return env.start(
        TestCustomers.sixPeriodWindow(
            MeteringSubscription.of(
                PRODUCT,
                dev.hourmeter.workflows.model.api.CustomerId.parse(customer),
                List.of(dimensions),
                PricingModel.SUBSCRIPTION,
                Duration.ofHours(1))));
  }

  private void report(CustomerMeteringWorkflow workflow, Instant at, long quantity) {
    env.sleepUntil(at);
    workflow.reportUsage(
        new UsageReport("r-" + at, List.of(new UsageEntry("requests", quantity, at.toString()))));
  }

  private static Instant at(int hours, int minutes) {
    return H00.plus(Duration.ofHours(hours)).plus(Duration.ofMinutes(minutes));
  }
}
