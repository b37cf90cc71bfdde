package dev.hourmeter.workflows.model;

import java.time.Instant;

/**
 * One BatchMeterUsage usage record. {@code timestamp} is always the start of the metered period, so
 * a retried or re-sent record is identical and AWS deduplicates it.
 */
public record MeteringRecord(
    CustomerId customer, String dimension, Instant timestamp, int quantity) {

  /** The AWS dedup key: customer, dimension and period. */
  public String key() {
    return customer.value() + "/" + dimension + "/" + timestamp;
  }
}
