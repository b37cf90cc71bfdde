package dev.hourmeter.workflows.model.api;

import java.time.Instant;
import java.util.List;

/**
 * What the {@code reportUsage} update answers. {@code duplicate} is true when the report id was
 * seen before (nothing was added). {@code carried} is true when some entry belonged to a period
 * already submitted and was added to the oldest open period instead.
 */
public record UsageReceipt(
    String reportId, boolean duplicate, List<Instant> periods, boolean carried) {

  public UsageReceipt {
    periods = periods == null ? List.of() : List.copyOf(periods);
  }
}
