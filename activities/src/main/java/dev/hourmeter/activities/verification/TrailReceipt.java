package dev.hourmeter.activities.verification;

import java.time.Instant;

/**
 * One entry of {@code responseElements.results[]} of a BatchMeterUsage CloudTrail event. Fields the
 * event did not carry are null; {@code quantity} is null when absent (AWS then defaults it, but we
 * do not guess).
 *
 * @param customer the {@code customerAWSAccountId} or {@code customerIdentifier} value
 */
public record TrailReceipt(
    String eventId,
    Instant eventTime,
    String productCode,
    String customer,
    String dimension,
    Instant timestamp,
    Integer quantity,
    String meteringRecordId,
    String status) {

  public boolean success() {
    return "Success".equals(status);
  }

  /** The match key, or null when any part of it is missing. */
  public String key() {
    if (productCode == null
        || customer == null
        || dimension == null
        || timestamp == null
        || quantity == null) {
      return null;
    }
    return ReceiptKey.of(productCode, customer, dimension, timestamp, quantity);
  }
}
