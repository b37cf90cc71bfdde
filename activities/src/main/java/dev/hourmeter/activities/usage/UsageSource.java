package dev.hourmeter.activities.usage;

import dev.hourmeter.workflows.model.CustomerId;
import java.time.Instant;
import java.util.List;

/**
 * Where a worker gets usage from. Implementations must be thread-safe (activities run concurrently)
 * and may throw a runtime exception when the source is unavailable: the activity then fails with a
 * retryable failure.
 */
public interface UsageSource {

  /**
   * Usage entries of {@code customer} for {@code productCode} with {@code fromInclusive <=
   * timestamp < toExclusive}. May return entries of any dimension: the caller keeps the configured
   * ones.
   */
  List<UsageObservation> usageBetween(
      String productCode, CustomerId customer, Instant fromInclusive, Instant toExclusive);

  /** What this source is, for logs. */
  default String describe() {
    return getClass().getSimpleName();
  }
}
