package dev.hourmeter.workflows.model;

/**
 * One usage observation inside a {@link UsageReport}. {@code timestamp} is an ISO-8601 instant;
 * when absent the workflow uses the time the report arrived. It is kept as text so that a malformed
 * value can be reported back as a rejection instead of failing deserialization.
 */
public record UsageEntry(String dimension, long quantity, String timestamp) {

  public static UsageEntry now(String dimension, long quantity) {
    return new UsageEntry(dimension, quantity, null);
  }
}
