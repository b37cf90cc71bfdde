package dev.hourmeter.activities.usage;

import java.time.Instant;

/**
 * One usage entry a source reported: {@code quantity} units of {@code dimension} at {@code
 * timestamp}, for one license of the customer when {@code licenseArn} is not null.
 */
public record UsageObservation(
    String productCode,
    String customer,
    String dimension,
    long quantity,
    Instant timestamp,
    String licenseArn) {

  /** Usage of an unlicensed customer. */
  public UsageObservation(
      String productCode, String customer, String dimension, long quantity, Instant timestamp) {
    this(productCode, customer, dimension, quantity, timestamp, null);
  }
}
