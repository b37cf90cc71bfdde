package dev.hourmeter.activities.usage;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One usage entry a source reported: {@code quantity} units of {@code dimension} at {@code
 * timestamp}. The quantity is exact: whole, or a decimal with at most 6 places.
 */
public record UsageObservation(
    String productCode, String customer, String dimension, BigDecimal quantity, Instant timestamp) {

  /** An observation of a whole quantity. */
  public UsageObservation(
      String productCode, String customer, String dimension, long quantity, Instant timestamp) {
    this(productCode, customer, dimension, BigDecimal.valueOf(quantity), timestamp);
  }
}
