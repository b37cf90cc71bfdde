package dev.hourmeter.activities.batching;

import dev.hourmeter.workflows.model.activity.RecordResult;
import java.util.Set;

/**
 * The final answer for one record submitted to the {@link MeteringBatcher}: its {@link
 * RecordResult} (SUCCESS, DUPLICATE_RECORD or CUSTOMER_NOT_SUBSCRIBED with AWS's MeteringRecordId,
 * or INVALID / TIMESTAMP_OUT_OF_BOUNDS after isolation) and the ids of the BatchMeterUsage calls
 * that carried it (shared calls carry many customers' records; the ids let a caller count each call
 * once).
 */
public record RecordOutcome(RecordResult result, Set<Long> callIds) {

  public RecordOutcome {
    callIds = Set.copyOf(callIds);
  }
}
