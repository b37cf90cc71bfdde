package dev.hourmeter.activities.usage;

import dev.hourmeter.workflows.model.api.UsageTags;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * One usage entry a source reported: {@code quantity} units of {@code dimension} at {@code
 * timestamp}, for one license of the customer when {@code licenseArn} is not null. The quantity is
 * exact: whole, or a decimal with at most 6 places. {@code tags} (empty: untagged) label it for a
 * UsageAllocation of its own.
 */
public record UsageObservation(
    String productCode,
    String customer,
    String dimension,
    BigDecimal quantity,
    Instant timestamp,
    String licenseArn,
    Map<String, String> tags) {

  public UsageObservation {
    tags = UsageTags.canonical(tags);
  }

  public UsageObservation(
      String productCode,
      String customer,
      String dimension,
      BigDecimal quantity,
      Instant timestamp,
      String licenseArn) {
    this(productCode, customer, dimension, quantity, timestamp, licenseArn, Map.of());
  }

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
