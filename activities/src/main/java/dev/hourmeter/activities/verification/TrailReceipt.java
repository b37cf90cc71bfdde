package dev.hourmeter.activities.verification;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One entry of {@code responseElements.results[]} of a BatchMeterUsage CloudTrail event. Fields the
 * event did not carry are null; {@code quantity} is null when absent (AWS then defaults it, but we
 * do not guess).
 *
 * @param customer the {@code customerAWSAccountId} or {@code customerIdentifier} value
 * @param licenseArn the record's {@code licenseArn} (Concurrent Agreements; the event then has no
 *     product code), null for a legacy record
 * @param quantityAsDecimal the record's {@code quantityAsDecimal}, null when it was sent as {@code
 *     quantity}
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
    String status,
    String licenseArn,
    BigDecimal quantityAsDecimal) {

  public boolean success() {
    return "Success".equals(status);
  }

  /** The match key, or null when any part of it is missing. */
  public String key() {
    String scope = licenseArn != null ? ReceiptKey.licenseScope(licenseArn) : productCode;
    BigDecimal exact =
        quantityAsDecimal != null
            ? quantityAsDecimal
            : quantity == null ? null : BigDecimal.valueOf(quantity);
    if (scope == null
        || customer == null
        || dimension == null
        || timestamp == null
        || exact == null) {
      return null;
    }
    return ReceiptKey.of(scope, customer, dimension, timestamp, exact);
  }
}
