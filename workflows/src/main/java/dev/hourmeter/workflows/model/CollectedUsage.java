package dev.hourmeter.workflows.model;

import java.util.Map;

/**
 * Usage a source reported for one period, summed per configured dimension. {@code ignoredEntries}
 * counts entries for dimensions the customer is not metered on (logged by the activity, never
 * billed).
 */
public record CollectedUsage(Map<String, Long> quantities, int entries, int ignoredEntries) {

  public CollectedUsage {
    quantities = quantities == null ? Map.of() : Map.copyOf(quantities);
  }

  public static CollectedUsage none() {
    return new CollectedUsage(Map.of(), 0, 0);
  }
}
