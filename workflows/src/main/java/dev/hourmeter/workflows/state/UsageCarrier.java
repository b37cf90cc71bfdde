package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import java.time.Instant;

/** Moves the usage of a record AWS never billed to a later period. */
public interface UsageCarrier {

  /**
   * The usage of {@code record} (with its allocations) moves to the oldest period not submitted
   * yet, noted with {@code reason} ({@link dev.hourmeter.workflows.model.checkpoint.CarriedUsage});
   * returns that period.
   */
  Instant carryUnbilled(MeteringRecord record, String reason);
}
