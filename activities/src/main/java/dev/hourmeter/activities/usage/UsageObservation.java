package dev.hourmeter.activities.usage;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One usage entry a source reported: {@code quantity} units of {@code dimension} at {@code
 * timestamp}, for one license of the customer when {@code licenseArn} is not null. The quantity is
 * exact: whole, or a decimal with at most 6 places.
 */
public record UsageObservation(
    String productCode,
    String customer,
    String dimension,
    BigDecimal quantity,
    Instant timestamp,
    String licenseArn) {

  /** Usage of an unlicensed customer. */
  public UsageObservation(
      String productCode,
      String customer,
      String dimension,
      BigDecimal quantity,
      Instant timestamp) {
    this(productCode, customer, dimension, quantity, timestamp, null);
  }

  /** Usage of an unlicensed customer, a whole quantity. */
  public UsageObservation(
      String productCode, String customer, String dimension, long quantity, Instant timestamp) {
    this(productCode, customer, dimension, BigDecimal.valueOf(quantity), timestamp, null);
  }

  /** A whole quantity of one license (null: unlicensed). */
  public UsageObservation(
      String productCode,
      String customer,
      String dimension,
      long quantity,
      Instant timestamp,
      String licenseArn) {
    this(productCode, customer, dimension, BigDecimal.valueOf(quantity), timestamp, licenseArn);
  }
}
