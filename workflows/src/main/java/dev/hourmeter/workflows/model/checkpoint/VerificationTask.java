package dev.hourmeter.workflows.model.checkpoint;

import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.SentRecord;
import java.time.Instant;
import java.util.List;

/**
 * Accepted records of one period still waiting for CloudTrail to show them.
 *
 * @param resent whether the identical records were already re-sent once
 * @param checksAfterResend how many checks have missed them since the re-send
 * @param carryIfMissing the records' fate is unknown ({@link RecordStatus#FATE_UNKNOWN}) and their
 *     window has closed: records CloudTrail does not show are carried, not re-sent (null: false)
 */
public record VerificationTask(
    Instant periodStart,
    List<SentRecord> records,
    Instant nextCheckAt,
    boolean resent,
    int checksAfterResend,
    Boolean carryIfMissing) {

  public VerificationTask {
    records = List.copyOf(records);
    carryIfMissing = carryIfMissing != null && carryIfMissing;
  }

  public VerificationTask(
      Instant periodStart,
      List<SentRecord> records,
      Instant nextCheckAt,
      boolean resent,
      int checksAfterResend) {
    this(periodStart, records, nextCheckAt, resent, checksAfterResend, false);
  }
}
