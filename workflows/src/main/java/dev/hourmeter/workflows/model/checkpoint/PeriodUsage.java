package dev.hourmeter.workflows.model.checkpoint;

import dev.hourmeter.workflows.model.api.Quantities;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * Usage quantities of one period, per dimension: exact, whole quantities are written to JSON as the
 * integers they always were.
 */
public record PeriodUsage(Instant periodStart, Map<String, BigDecimal> quantities) {

  public PeriodUsage {
    quantities = Quantities.copy(quantities);
  }
}
