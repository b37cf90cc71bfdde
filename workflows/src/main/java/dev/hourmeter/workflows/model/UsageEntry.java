package dev.hourmeter.workflows.model;

import java.math.BigDecimal;

/**
 * One usage observation inside a {@link UsageReport}. {@code quantity} is exact, whole or with at
 * most 6 decimals (a whole quantity is written to JSON as the integer it always was). {@code
 * timestamp} is an ISO-8601 instant; when absent the workflow uses the time the report arrived. It
 * is kept as text so that a malformed value can be reported back as a rejection instead of failing
 * deserialization.
 */
public record UsageEntry(String dimension, BigDecimal quantity, String timestamp) {

  public UsageEntry {
    quantity = Quantities.canonical(quantity);
  }

  public UsageEntry(String dimension, long quantity, String timestamp) {
    this(dimension, BigDecimal.valueOf(quantity), timestamp);
  }

  public static UsageEntry now(String dimension, long quantity) {
    return new UsageEntry(dimension, quantity, null);
  }

  public static UsageEntry now(String dimension, BigDecimal quantity) {
    return new UsageEntry(dimension, quantity, null);
  }
}
