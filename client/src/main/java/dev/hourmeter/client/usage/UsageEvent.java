package dev.hourmeter.client.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One usage event for {@link UsageReporter}: {@code quantity} of {@code dimension} used by {@code
 * customer} of {@code product}. {@code id} makes delivery idempotent: the same id sent again is a
 * duplicate and adds nothing (the workflow's report id). {@code licenseArn} (optional) names the
 * license of a customer metered per license. {@code timestamp} (optional, ISO-8601) is when the
 * usage happened, default when the workflow receives it; it is kept as text so that a malformed one
 * is refused naming the field. {@code tags} (optional, no null key) label the usage for the buyer's
 * bill.
 */
public record UsageEvent(
    String id,
    String product,
    String customer,
    String licenseArn,
    String dimension,
    BigDecimal quantity,
    String timestamp,
    Map<String, String> tags) {

  public UsageEvent {
    tags = tags == null || tags.isEmpty() ? Map.of() : new TreeMap<>(tags);
  }

  /** An event without license, timestamp or tags. */
  public static UsageEvent of(
      String id, String product, String customer, String dimension, BigDecimal quantity) {
    return new UsageEvent(id, product, customer, null, dimension, quantity, null, Map.of());
  }

  public UsageEvent withLicenseArn(String license) {
    return new UsageEvent(id, product, customer, license, dimension, quantity, timestamp, tags);
  }

  public UsageEvent at(Instant when) {
    return new UsageEvent(
        id, product, customer, licenseArn, dimension, quantity, when.toString(), tags);
  }

  public UsageEvent withTags(Map<String, String> labels) {
    return new UsageEvent(
        id, product, customer, licenseArn, dimension, quantity, timestamp, labels);
  }
}
