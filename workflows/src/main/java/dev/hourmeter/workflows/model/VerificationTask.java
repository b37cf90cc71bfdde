package dev.hourmeter.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * Accepted records of one period still waiting for CloudTrail to show them.
 *
 * @param resent whether the identical records were already re-sent once
 * @param checksAfterResend how many checks have missed them since the re-send
 */
public record VerificationTask(
    Instant periodStart,
    List<SentRecord> records,
    Instant nextCheckAt,
    boolean resent,
    int checksAfterResend) {

  public VerificationTask {
    records = List.copyOf(records);
  }
}
