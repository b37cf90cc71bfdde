package dev.hourmeter.workflows.model;

import java.time.Instant;
import java.util.Map;

/** Usage quantities of one period, per dimension. */
public record PeriodUsage(Instant periodStart, Map<String, Long> quantities) {

  public PeriodUsage {
    quantities = quantities == null ? Map.of() : Map.copyOf(quantities);
  }
}
