package dev.hourmeter.workflows.model;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Usage a source reported for one period, summed per configured dimension. {@code ignoredEntries}
 * counts entries for dimensions the customer is not metered on (logged by the activity, never
 * billed). Quantities are exact (whole ones are written as the integers they always were). {@code
 * earlierPeriods}: the totals of the earlier periods the query looked back on, as the source shows
 * them now (empty without a lookback; a period the source can no longer answer for in full is left
 * out).
 */
public record CollectedUsage(
    Map<String, BigDecimal> quantities,
    int entries,
    int ignoredEntries,
    List<PeriodUsage> earlierPeriods) {

  public CollectedUsage {
    quantities = Quantities.copy(quantities);
    earlierPeriods = earlierPeriods == null ? List.of() : List.copyOf(earlierPeriods);
  }

  public static CollectedUsage none() {
    return new CollectedUsage(Map.of(), 0, 0, List.of());
  }
}
