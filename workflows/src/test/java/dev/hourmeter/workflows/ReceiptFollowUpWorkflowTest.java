package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.checkpoint.VerificationTask;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The receipt re-send state machine with hourly defaults: a period submitted at hh:05 is first
 * looked for at the next close; its window ends at +5:50, so a record still missing is re-sent at
 * the first close from +3:50 and then gets two more looks.
 */
class ReceiptFollowUpWorkflowTest {

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();
  private final FakeActivities fakes = env.fakes;

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aRecordFoundAtTheFirstLookIsVerified() {
    MeteringSubscription subscription = subscription("cust-found", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    env.sleepUntil(at(2, 10)); // 00:00 submitted at 01:05, looked for at 02:05

    MeteringStatus status = workflow.status();
    assertThat(receiptOf(status, at(0, 0))).isEqualTo(ReceiptStatus.VERIFIED);
    assertThat(receiptOf(status, at(1, 0))).isEqualTo(ReceiptStatus.PENDING);
    assertThat(status.counters().recordsVerified()).isEqualTo(1);
    assertThat(fakes.receipts.calls())
        .singleElement()
        .satisfies(c -> assertThat(c.records()).extracting(SentRecord::record).hasSize(1));
    assertThat(status.verifications())
        .extracting(VerificationTask::periodStart)
        .containsExactly(at(1, 0));
    assertThat(env.searchAttribute(subscription, MeteringSearchAttributes.VERIFICATION)).isNull();
  }

  @Test
  void aMissingRecordIsResentOnceIdenticallyAndThenFound() {
    fakes.receipts.onlyAfterResend();
    CustomerMeteringWorkflow workflow = env.start(subscription("cust-resent", "requests"));

    env.sleepUntil(at(4, 10)); // missed at 02:05 and 03:05, re-sent at 04:05

    MeteringRecord first = recordOf(at(0, 0));
    assertThat(fakes.submission.timesSent(first)).isEqualTo(2);
    assertThat(receiptOf(workflow.status(), at(0, 0))).isEqualTo(ReceiptStatus.RESENT);

    env.sleepUntil(at(5, 10)); // found at 05:05; 01:00 is re-sent then (its re-send time is 04:50)

    MeteringStatus status = workflow.status();
    assertThat(receiptOf(status, at(0, 0))).isEqualTo(ReceiptStatus.VERIFIED);
    assertThat(receiptOf(status, at(1, 0))).isEqualTo(ReceiptStatus.RESENT);
    assertThat(fakes.submission.timesSent(first)).isEqualTo(2);
    assertThat(status.counters().recordsResent()).isEqualTo(2);
    assertThat(status.counters().recordsVerified()).isEqualTo(1);
    assertThat(status.counters().recordsUnverified()).isZero();
  }

  @Test
  void aRecordStillMissingAfterTheResendIsUnverifiedAndFindable() {
    fakes.receipts.visibleWhen(r -> false);
    MeteringSubscription subscription = subscription("cust-lost", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    env.sleepUntil(at(5, 10)); // re-sent at 04:05, missed once more at 05:05

    assertThat(receiptOf(workflow.status(), at(0, 0))).isEqualTo(ReceiptStatus.RESENT);
    assertThat(env.searchAttribute(subscription, MeteringSearchAttributes.VERIFICATION)).isNull();

    env.sleepUntil(at(6, 10)); // the second miss after the re-send, at 06:05

    MeteringStatus status = workflow.status();
    assertThat(status.unverifiedRecords())
        .extracting(SubmittedRecord::periodStart)
        .containsExactly(at(0, 0));
    assertThat(status.counters().recordsUnverified()).isEqualTo(1);
    assertThat(fakes.submission.timesSent(recordOf(at(0, 0)))).isEqualTo(2);
    assertThat(status.verifications()).noneMatch(t -> t.periodStart().equals(at(0, 0)));
    assertThat(env.searchAttribute(subscription, MeteringSearchAttributes.VERIFICATION))
        .isEqualTo(ReceiptStatus.UNVERIFIED.name());
  }

  @Test
  void aRecordStillMissingWhenTheWindowHasClosedIsUnverifiedWithoutResend() {
    fakes.receipts.visibleWhen(r -> false);
    // No re-send lead: the record is looked for until its window ends (05:50), never re-sent.
    MeteringSubscription subscription =
        subscription("cust-closed", t -> t.resendLead(Duration.ZERO), "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    env.sleepUntil(at(5, 10));
    assertThat(receiptOf(workflow.status(), at(0, 0))).isEqualTo(ReceiptStatus.PENDING);

    env.sleepUntil(at(6, 10));

    MeteringStatus status = workflow.status();
    assertThat(receiptOf(status, at(0, 0))).isEqualTo(ReceiptStatus.UNVERIFIED);
    assertThat(fakes.submission.timesSent(recordOf(at(0, 0)))).isEqualTo(1);
    assertThat(status.counters().recordsResent()).isZero();
    assertThat(status.counters().recordsUnverified()).isEqualTo(1);
    assertThat(env.searchAttribute(subscription, MeteringSearchAttributes.VERIFICATION))
        .isEqualTo(ReceiptStatus.UNVERIFIED.name());
  }

  private static ReceiptStatus receiptOf(MeteringStatus status, Instant period) {
    return status.recentRecords().stream()
        .filter(r -> r.periodStart().equals(period))
        .findFirst()
        .orElseThrow()
        .receipt();
  }

  private MeteringRecord recordOf(Instant period) {
    return fakes.submission.records().stream()
        .filter(r -> r.timestamp().equals(period))
        .findFirst()
        .orElseThrow();
  }
}
