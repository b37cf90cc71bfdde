package dev.hourmeter.activities.batching;

import dev.hourmeter.workflows.model.MeteringRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link RecordSender} is asked to send: {@code records} of {@code productCode}, for the
 * workflow {@code workflowId} (named in log lines written by threads that are not the activity's;
 * may be null), with a {@link SendListener#checkpoint()} at least every {@code checkpointEvery}
 * while the sender waits. After {@code sendBy} (null: no limit; the end of the activity attempt, by
 * the worker's clock) nothing of this request may be sent any more: the attempt is over and the
 * workflow may already have decided the records' fate.
 */
public record SendRequest(
    String productCode,
    List<MeteringRecord> records,
    String workflowId,
    Duration checkpointEvery,
    Instant sendBy) {

  /**
   * Failure type of a send whose {@code sendBy} passed with records unanswered (retryable: the next
   * attempt, if the activity's time allows one, sends them again).
   */
  public static final String ATTEMPT_TIME_RAN_OUT = "AttemptTimeRanOut";

  public SendRequest {
    Objects.requireNonNull(productCode, "productCode");
    records = List.copyOf(records);
    Objects.requireNonNull(checkpointEvery, "checkpointEvery");
  }

  /** Without a time limit. */
  public SendRequest(
      String productCode,
      List<MeteringRecord> records,
      String workflowId,
      Duration checkpointEvery) {
    this(productCode, records, workflowId, checkpointEvery, null);
  }
}
