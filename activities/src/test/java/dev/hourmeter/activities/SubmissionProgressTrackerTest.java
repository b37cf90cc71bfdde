package dev.hourmeter.activities;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.AwsErrorClassifier;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.RecordResult;
import dev.hourmeter.workflows.model.RecordStatus;
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
    SubmissionProgress beat = first.snapshot();
    assertThat(beat.fateUnknown()).containsExactly(B);

    SubmissionProgressTracker second = new SubmissionProgressTracker(List.of(A, B, C));
    second.restore(beat);
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
