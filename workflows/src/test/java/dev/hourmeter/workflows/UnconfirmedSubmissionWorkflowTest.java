package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.report;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A submission AWS never confirms is retried until the period leaves the timestamp window, then
 * kept with the reason: an attempt failure without an outcome leaves the record's fate unknown
 * (FATE_UNKNOWN, looked up in CloudTrail later); nothing is counted as accepted.
 */
class UnconfirmedSubmissionWorkflowTest {

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();
  private final FakeActivities fakes = env.fakes;

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aSubmissionNeverConfirmedLeavesReadableState() {
    fakes.submission.failEveryAttempt("BatchMeterUsage: service unavailable");
    CustomerMeteringWorkflow workflow = env.start(subscription("cust-unconfirmed", "requests"));
    env.sleepUntil(at(0, 30));
    workflow.reportUsage(report("r-1", "requests", 4, at(0, 30)));

    // 00:00 is sent from 01:05 and retried until its window closes at 05:50 (6 h minus 10 min).
    env.sleepUntil(at(5, 55));

    MeteringStatus status = workflow.status();
    SubmittedRecord record =
        status.recentRecords().stream()
            .filter(r -> r.periodStart().equals(at(0, 0)))
            .findFirst()
            .orElseThrow();
    assertThat(record.status()).isEqualTo(RecordStatus.FATE_UNKNOWN);
    assertThat(record.quantity()).isEqualByComparingTo("4");
    assertThat(record.meteringRecordId()).isNull();
    assertThat(record.receipt()).as("never sent, so never verified").isNull();
    assertThat(record.detail())
        .startsWith("not confirmed before the timestamp window closed")
        .isNotBlank();
    assertThat(status.counters().recordsAccepted()).isZero();
    assertThat(status.counters().recordsNotAccepted()).isEqualTo(1);
    assertThat(status.verifications())
        .singleElement()
        .satisfies(t -> assertThat(t.carryIfMissing()).isTrue());
    assertThat(fakes.submission.calls()).hasSizeGreaterThan(10);
    assertThat(fakes.receipts.calls()).isEmpty();

    fakes.submission.succeed();
    env.sleepUntil(at(6, 10));

    MeteringStatus recovered = workflow.status();
    assertThat(recovered.recentRecords())
        .filteredOn(r -> r.periodStart().isAfter(at(0, 0)))
        .extracting(SubmittedRecord::status)
        .hasSize(5)
        .containsOnly(RecordStatus.SUCCESS);
    assertThat(recovered.backlog()).isEmpty();
  }
}
