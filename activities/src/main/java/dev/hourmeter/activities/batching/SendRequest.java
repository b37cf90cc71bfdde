package dev.hourmeter.activities.batching;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link RecordSender} is asked to send: {@code records} of {@code productCode}, for the
 * workflow {@code workflowId} (named in log lines written by threads that are not the activity's;
 * may be null), with a {@link SendListener#checkpoint()} at least every {@code checkpointEvery}
 * while the sender waits. After {@code sendBy} (null: no limit; a little before the end of the
 * activity attempt, by the worker's clock) nothing of this request is sent any more: the attempt is
 * about to end and the workflow may then decide the records' fate. Records already in a call by
 * then are waited for until {@code answersBy} (not before {@code sendBy}), so that their answer,
 * rather than an unknown fate, goes into the attempt's report.
 */
public record SendRequest(
    String productCode,
    List<MeteringRecord> records,
    String workflowId,
    Duration checkpointEvery,
    Instant sendBy,
    Instant answersBy) {

  /**
   * Failure type of a send whose {@code sendBy} passed with records unanswered (retryable: the next
   * attempt, if the activity's time allows one, sends them again).
   */
  public static final String ATTEMPT_TIME_RAN_OUT = "AttemptTimeRanOut";

  public SendRequest {
    Objects.requireNonNull(productCode, "productCode");
    records = List.copyOf(records);
    Objects.requireNonNull(checkpointEvery, "checkpointEvery");
    if (sendBy == null) {
      answersBy = null;
    } else if (answersBy == null || answersBy.isBefore(sendBy)) {
      answersBy = sendBy;
    }
  }

  /** Sending and waiting both end at {@code sendBy}. */
  public SendRequest(
      String productCode,
      List<MeteringRecord> records,
      String workflowId,
      Duration checkpointEvery,
      Instant sendBy) {
    this(productCode, records, workflowId, checkpointEvery, sendBy, sendBy);
  }

  /** Without a time limit. */
  public SendRequest(
      String productCode,
      List<MeteringRecord> records,
      String workflowId,
      Duration checkpointEvery) {
    this(productCode, records, workflowId, checkpointEvery, null, null);
  }
}
