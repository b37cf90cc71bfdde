package dev.hourmeter.activities.verification;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The receipt match key: product (or, for a licensed record, its license: such a request has no
 * product code), customer id value, dimension, period timestamp (to the second), and quantity
 * compared by value ({@code 17} = {@code 17.0}, whether sent as Quantity or QuantityAsDecimal).
 */
final class ReceiptKey {

  private ReceiptKey() {}

  /**
   * @param scope the product code of a legacy record, {@link #licenseScope} of a licensed one
   */
  static String of(
      String scope, String customer, String dimension, Instant timestamp, BigDecimal quantity) {
    // Seconds: CloudTrail's documented timestamp format has no fraction.
    return scope
        + '\u0000'
        + customer
        + '\u0000'
        + dimension
        + '\u0000'
        + timestamp.getEpochSecond()
        + '\u0000'
        + quantity.stripTrailingZeros().toPlainString();
  }

  static String licenseScope(String licenseArn) {
    return "license:" + licenseArn;
  }

  static String of(String productCode, MeteringRecord record) {
    return of(
        record.licensed() ? licenseScope(record.customer().licenseArn()) : productCode,
        record.customer().value(),
        record.dimension(),
        record.timestamp(),
        record.exactQuantity());
  }
}
