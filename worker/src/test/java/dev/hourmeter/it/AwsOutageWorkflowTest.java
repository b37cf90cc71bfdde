package dev.hourmeter.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.CustomerId;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An AWS outage longer than a period's window (PT1M periods: the window of a period closes 5 m 50 s
 * after its start). Whatever AWS did not bill in the window is billed later, exactly once: the
 * ledger holds every unit reported, and {@code MeteringOutage} flags the customer meanwhile.
 */
class AwsOutageWorkflowTest {

  private static final String PRODUCT = "prod-outage";
  private static final Duration PERIOD = Duration.ofMinutes(1);
  private static final Instant T0 = MeteringTestEnvironment.START; // 00:20:00, a period start

  private final MeteringTestEnvironment env =
      new MeteringTestEnvironment(new InMemoryUsageSource(), false, Duration.ofMinutes(1));

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void usageThrottledUntilItsWindowClosedIsCarriedAndBilledOnce() {
    CustomerMeteringWorkflow workflow = start("cust-throttled");
    report(workflow, at(0, 30), 5); // period 00:20, window closes 00:25:50
    env.simulator.setFaults(FaultSpec.builder().throttleRate(1.0).build());
    report(workflow, at(1, 30), 3); // period 00:21, window closes 00:26:50

    env.sleepUntil(at(6, 0));
    assertThat(env.ledger(PRODUCT, "cust-throttled"))
        .as("nothing billed during the outage")
        .isEmpty();
    assertThat(outageAttribute("cust-throttled")).isEqualTo("WAITING");
    MeteringStatus during = workflow.status();
    assertThat(during.carried())
        .extracting(CarriedUsage::reason)
        .contains(CarriedUsage.NOT_ACCEPTED);

    env.sleepUntil(at(7, 15)); // the outage ends after 00:21's window has closed too
    env.simulator.setFaults(FaultSpec.none());
    env.sleepUntil(at(12, 0));

    assertThat(billed("cust-throttled")).as("every unit billed exactly once").isEqualTo(8);
    assertThat(outageAttribute("cust-throttled")).as("cleared once billed").isNull();
    long carriedInStatus = carriedUnits(workflow, CarriedUsage.NOT_ACCEPTED);
    assertThat(carriedInStatus).as("the 8 units, some carried more than once").isGreaterThan(8);
    assertThat(
            env.awaitCounter(
                "hourmeter_usage_carried_units", "reason", "NOT_ACCEPTED", carriedInStatus))
        .as("metric: units carried because AWS refused them until the window closed")
        .isEqualTo(carriedInStatus);
    assertThat(env.awaitCounter("hourmeter_records_submitted", "status", "NOT_ACCEPTED", 2))
        .as("metric: the records of 00:20 and 00:21, refused until their windows closed")
        .isEqualTo(2);
  }

  @Test
  void usageWhoseFateIsUnknownAndNotInCloudTrailIsCarriedAndBilledOnce() {
    CustomerMeteringWorkflow workflow = start("cust-5xx");
    report(workflow, at(0, 30), 4);
    env.simulator.setFaults(FaultSpec.builder().serverErrorRate(1.0).build());

    env.sleepUntil(at(6, 10)); // 00:20's window closed; its record's fate is unknown
    assertThat(env.ledger(PRODUCT, "cust-5xx")).isEmpty();
    assertThat(outageAttribute("cust-5xx")).isEqualTo("WAITING");
    env.simulator.setFaults(FaultSpec.none());

    env.sleepUntil(at(12, 0)); // CloudTrail looked at a close after PT30S: not found, carried

    assertThat(billed("cust-5xx")).as("every unit billed exactly once").isEqualTo(4);
    assertThat(workflow.status().carried())
        .extracting(CarriedUsage::reason)
        .contains(CarriedUsage.NOT_IN_CLOUDTRAIL);
    assertThat(outageAttribute("cust-5xx")).isNull();
    long carriedInStatus = carriedUnits(workflow, CarriedUsage.NOT_IN_CLOUDTRAIL);
    assertThat(carriedInStatus).isGreaterThanOrEqualTo(4);
    assertThat(
            env.awaitCounter(
                "hourmeter_usage_carried_units", "reason", "NOT_IN_CLOUDTRAIL", carriedInStatus))
        .as("metric: units carried because CloudTrail did not show the record")
        .isEqualTo(carriedInStatus);
    assertThat(env.awaitCounter("hourmeter_records_submitted", "status", "FATE_UNKNOWN", 1))
        .as("metric: the record whose fate was unknown when its window closed")
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void usageCarriedDuringTheFinalFlushOfAnUnsubscribeIsStillBilled() {
    CustomerMeteringWorkflow workflow = start("cust-leaving");
    report(workflow, at(0, 30), 5);
    env.sleepUntil(at(0, 45));
    env.simulator.setFaults(FaultSpec.builder().serverErrorRate(1.0).build());
    report(workflow, at(1, 5), 2);
    workflow.unsubscribe(); // the final flush submits 00:20 and 00:21 into the outage

    env.sleepUntil(at(6, 30)); // both windows closed (fate unknown), CloudTrail not looked at yet
    assertThat(env.ledger(PRODUCT, "cust-leaving")).isEmpty();
    env.simulator.setFaults(FaultSpec.none());
    WorkflowStub.fromTyped(workflow).getResult(Void.class);

    assertThat(billed("cust-leaving"))
        .as("not found in CloudTrail, carried to the period after the flush, and billed there")
        .isEqualTo(7);
    assertThat(workflow.status().state()).isEqualTo(MeteringState.ENDED);
  }

  private static long carriedUnits(CustomerMeteringWorkflow workflow, String reason) {
    return workflow.status().carried().stream()
        .filter(c -> c.reason().equals(reason))
        .mapToLong(c -> c.quantity().longValueExact())
        .sum();
  }

  private long billed(String customer) {
    return env.ledger(PRODUCT, customer).stream().mapToLong(LedgerEntry::quantity).sum();
  }

  private String outageAttribute(String customer) {
    return env.client
        .newUntypedWorkflowStub(MeteringWorkflowIds.forCustomer(PRODUCT, customer))
        .describe()
        .getTypedSearchAttributes()
        .get(MeteringSearchAttributes.OUTAGE);
  }

  private CustomerMeteringWorkflow start(String customer) {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier(customer), "requests"));
    return env.start(
        TestCustomers.sixPeriodWindow(
            MeteringSubscription.of(
                PRODUCT,
                dev.hourmeter.workflows.model.api.CustomerId.parse(customer),
                List.of("requests"),
                PricingModel.SUBSCRIPTION,
                PERIOD)));
  }

  private void report(CustomerMeteringWorkflow workflow, Instant at, long quantity) {
    env.sleepUntil(at);
    workflow.reportUsage(
        new UsageReport("r-" + at, List.of(new UsageEntry("requests", quantity, at.toString()))));
  }

  private static Instant at(int minutes, int seconds) {
    return T0.plus(Duration.ofMinutes(minutes)).plus(Duration.ofSeconds(seconds));
  }
}
