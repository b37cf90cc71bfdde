package dev.hourmeter.activities.verification;

import dev.hourmeter.workflows.model.MeteringRecord;
import java.time.Instant;

/**
 * The receipt match key: product, customer id value, dimension, period timestamp (to the second),
 * quantity.
 */
final class ReceiptKey {

  private ReceiptKey() {}

  static String of(
      String productCode, String customer, String dimension, Instant timestamp, int quantity) {
    // Seconds: CloudTrail's documented timestamp format has no fraction.
    return productCode
        + '\u0000'
        + customer
        + '\u0000'
        + dimension
        + '\u0000'
        + timestamp.getEpochSecond()
        + '\u0000'
        + quantity;
  }

  static String of(String productCode, MeteringRecord record) {
    return of(
        productCode,
        record.customer().value(),
        record.dimension(),
        record.timestamp(),
        record.quantity());
  }
}
