package dev.hourmeter.activities;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.AwsErrorClassifier;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** The heartbeated state of SubmitUsageRecords: which records AWS may have processed. */
class SubmissionProgressTrackerTest {

  private static final Instant H00 = Instant.parse("2026-11-26T00:00:00Z");
  private static final MeteringRecord A = record("a");
  private static final MeteringRecord B = record("b");
  private static final MeteringRecord C = record("c");

  @Test
  void aRecordSentIntoA5xxStaysOfUnknownFateAcrossAttemptsEvenWhenLaterThrottled() {
    SubmissionProgressTracker first = new SubmissionProgressTracker(List.of(A, B, C));
    first.finalResult(0, new RecordResult(A, RecordStatus.SUCCESS, "mr-a", null));
    first.sending(List.of(1));
    assertThat(first.snapshot().fateUnknown()).as("in flight: unknown").containsExactly(B);
    first.sendEnded(failure("InternalServiceErrorException", 500));
    SubmissionProgress beat = first.endedSnapshot();
    assertThat(beat.fateUnknown()).containsExactly(B);

    SubmissionProgressTracker second = new SubmissionProgressTracker(List.of(A, B, C));
    second.restore(beat, true);
    assertThat(second.pending()).containsExactly(1, 2);
    second.sending(second.pending());
    second.sendEnded(failure("ThrottlingException", 400));

    assertThat(second.snapshot().fateUnknown())
        .as("B's earlier 5xx still counts; C was only ever throttled")
        .containsExactly(B);
    assertThat(second.snapshot().finalResults())
        .extracting(RecordResult::record)
        .containsExactly(A);
  }

  @Test
  void aRecordOnlyEverThrottledIsCertainlyNotAccepted() {
    SubmissionProgressTracker tracker = new SubmissionProgressTracker(List.of(A));
    tracker.sending(List.of(0));
    tracker.sendEnded(failure("ThrottlingException", 400));
    assertThat(tracker.snapshot().fateUnknown()).isEmpty();
  }

  @Test
  void aRetryAfterAWorkerDiedMidSendTakesEveryRecordWithoutAResultForUnknown() {
    SubmissionProgressTracker first = new SubmissionProgressTracker(List.of(A, B, C));
    first.finalResult(0, new RecordResult(A, RecordStatus.SUCCESS, "mr-a", null));
    SubmissionProgress beforeSending = first.snapshot(); // the last heartbeat the server got
    assertThat(beforeSending.fateUnknown()).isEmpty();
    first.sending(List.of(1, 2));
    // kill -9 here: the server only has beforeSending, which does not know B and C were sent

    SubmissionProgressTracker second = new SubmissionProgressTracker(List.of(A, B, C));
    second.restore(beforeSending, true);
    assertThat(second.pending()).as("A's result is kept").containsExactly(1, 2);
    second.sending(second.pending());
    second.sendEnded(failure("ThrottlingException", 400));
    assertThat(second.snapshot().fateUnknown())
        .as("B and C may have been billed by the dead attempt: CloudTrail decides")
        .containsExactly(B, C);

    SubmissionProgressTracker noHeartbeatAtAll = new SubmissionProgressTracker(List.of(A, B));
    noHeartbeatAtAll.restore(null, true);
    noHeartbeatAtAll.sending(noHeartbeatAtAll.pending());
    noHeartbeatAtAll.sendEnded(failure("ThrottlingException", 400));
    assertThat(noHeartbeatAtAll.snapshot().fateUnknown())
        .as("the first attempt died before its first heartbeat")
        .containsExactly(A, B);
  }

  @Test
  void aRetryTrustsTheDetailsAFailingAttemptLeft() {
    SubmissionProgressTracker first = new SubmissionProgressTracker(List.of(A, B));
    first.sending(List.of(0, 1));
    first.sendEnded(failure("ThrottlingException", 400));
    SubmissionProgress ended = first.endedSnapshot();
    assertThat(ended.ended()).isTrue();
    assertThat(first.snapshot().ended()).as("an ordinary heartbeat").isFalse();

    SubmissionProgressTracker second = new SubmissionProgressTracker(List.of(A, B));
    second.restore(ended, true);
    second.sending(second.pending());
    second.sendEnded(failure("ThrottlingException", 400));
    assertThat(second.snapshot().fateUnknown())
        .as("only ever throttled, as the ended attempt's details say")
        .isEmpty();
  }

  private static MarketplaceCallException failure(String code, int status) {
    return AwsErrorClassifier.classify(
        "BatchMeterUsage",
        AwsServiceException.builder()
            .statusCode(status)
            .message(code)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
            .build());
  }

  private static MeteringRecord record(String dimension) {
    return new MeteringRecord(CustomerId.parse("cust-1"), dimension, H00, 1);
  }
}
