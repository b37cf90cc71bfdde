package dev.hourmeter.activities.usage;

import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Instant;
import java.util.List;

/** The default source: reports no usage (every period is metered with quantity 0). */
public final class NoUsageSource implements UsageSource {

  public static final NoUsageSource INSTANCE = new NoUsageSource();

  @Override
  public List<UsageObservation> usageBetween(
      String productCode, CustomerId customer, Instant fromInclusive, Instant toExclusive) {
    return List.of();
  }

  @Override
  public String describe() {
    return "none";
  }
}
