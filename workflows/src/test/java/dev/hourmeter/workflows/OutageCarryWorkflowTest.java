package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.report;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.model.checkpoint.VerificationTask;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * AWS fails every submission of 00:00 until its window closes at 05:50 (fake activities, PT1H):
 * usage AWS certainly did not accept is carried; usage whose fate is unknown is looked up in
 * CloudTrail at the first close 30 minutes later (07:05): found, it was billed; not found, it is
 * carried. {@code MeteringOutage} flags the customer until then.
 */
class OutageCarryWorkflowTest {

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();
  private final FakeActivities fakes = env.fakes;

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void throttledUntilTheWindowClosedIsCarriedToTheNextOpenPeriod() {
    fakes.submission.throttleEveryAttempt();
    MeteringSubscription subscription = subscription("cust-throttled", "requests");
    CustomerMeteringWorkflow workflow = start(subscription, 4);

    env.sleepUntil(at(5, 55));
    MeteringStatus during = workflow.status();
    assertThat(recordOf(during, 0).status()).isEqualTo(RecordStatus.NOT_ACCEPTED);
    assertThat(during.carried())
        .containsExactly(
            new CarriedUsage(
                "requests", BigDecimal.valueOf(4), at(0, 0), at(1, 0), "NOT_ACCEPTED"));
    assertThat(during.verifications()).as("no CloudTrail look: certainly not billed").isEmpty();
    assertThat(outageFlag(subscription)).isEqualTo("WAITING");

    fakes.submission.succeed();
    env.sleepUntil(at(6, 10));

    MeteringStatus after = workflow.status();
    assertThat(recordOf(after, 1).status()).isEqualTo(RecordStatus.SUCCESS);
    assertThat(recordOf(after, 1).quantity())
        .as("00:00's usage billed with 01:00")
        .isEqualByComparingTo("4");
    assertThat(billed(after)).as("billed once").isEqualTo(4);
    assertThat(outageFlag(subscription)).isNull();
  }

  @Test
  void fateUnknownAndFoundInCloudTrailIsBilledNotCarried() {
    fakes.submission.failEveryAttempt("BatchMeterUsage: InternalServiceError");
    MeteringSubscription subscription = subscription("cust-found", "requests");
    CustomerMeteringWorkflow workflow = start(subscription, 5);

    env.sleepUntil(at(5, 55));
    MeteringStatus during = workflow.status();
    assertThat(recordOf(during, 0).status()).isEqualTo(RecordStatus.FATE_UNKNOWN);
    assertThat(during.carried()).isEmpty();
    assertThat(during.verifications()).extracting(VerificationTask::carryIfMissing).contains(true);
    assertThat(outageFlag(subscription)).isEqualTo("WAITING");
    fakes.submission.succeed();

    env.sleepUntil(at(7, 10));
    MeteringStatus after = workflow.status();
    assertThat(recordOf(after, 0).receipt()).isEqualTo(ReceiptStatus.VERIFIED);
    assertThat(after.carried()).as("found: AWS billed it, nothing carried").isEmpty();
    assertThat(billed(after)).as("nothing else carries the usage").isZero();
    assertThat(outageFlag(subscription)).isNull();
  }

  @Test
  void fateUnknownAndNotInCloudTrailIsCarried() {
    fakes.submission.failEveryAttempt("BatchMeterUsage: read timed out");
    fakes.receipts.visibleWhen(r -> false);
    MeteringSubscription subscription = subscription("cust-missing", "requests");
    CustomerMeteringWorkflow workflow = start(subscription, 6);
    env.sleepUntil(at(5, 55));
    assertThat(outageFlag(subscription)).isEqualTo("WAITING");
    fakes.submission.succeed();

    // At the 07:05 close the look comes first (carried into the oldest open period, 06:00),
    // then 06:00 is submitted.
    env.sleepUntil(at(7, 10));
    MeteringStatus after = workflow.status();
    assertThat(after.carried())
        .containsExactly(
            new CarriedUsage(
                "requests", BigDecimal.valueOf(6), at(0, 0), at(6, 0), "NOT_IN_CLOUDTRAIL"));
    assertThat(recordOf(after, 6).quantity()).isEqualByComparingTo("6");
    assertThat(billed(after)).as("billed once").isEqualTo(6);
    assertThat(outageFlag(subscription)).isNull();
  }

  private CustomerMeteringWorkflow start(MeteringSubscription subscription, long quantity) {
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    workflow.reportUsage(report("r-1", "requests", quantity, at(0, 30)));
    return workflow;
  }

  private static SubmittedRecord recordOf(MeteringStatus status, int hour) {
    return status.recentRecords().stream()
        .filter(r -> r.periodStart().equals(at(hour, 0)))
        .findFirst()
        .orElseThrow();
  }

  /** Quantity AWS accepted in answer to a submission. */
  private static long billed(MeteringStatus status) {
    return status.recentRecords().stream()
        .filter(r -> r.status() == RecordStatus.SUCCESS)
        .mapToLong(r -> r.quantity().longValueExact())
        .sum();
  }

  private String outageFlag(MeteringSubscription subscription) {
    return env.client
        .newUntypedWorkflowStub(FakeActivityEnvironment.workflowId(subscription))
        .describe()
        .getTypedSearchAttributes()
        .get(MeteringSearchAttributes.OUTAGE);
  }
}
