package dev.hourmeter.workflows.model;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Usage a source reported for one period, summed per configured dimension. {@code ignoredEntries}
 * counts entries for dimensions the customer is not metered on (logged by the activity, never
 * billed). Quantities are exact (whole ones are written as the integers they always were).
 */
public record CollectedUsage(Map<String, BigDecimal> quantities, int entries, int ignoredEntries) {

  public CollectedUsage {
    quantities = Quantities.copy(quantities);
  }

  public static CollectedUsage none() {
    return new CollectedUsage(Map.of(), 0, 0);
  }
}
