package dev.hourmeter.workflows.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One submitted record as {@code status} shows it; {@code quantity} is the record's exact usage (a
 * whole quantity is written to JSON as the integer it always was).
 */
public record SubmittedRecord(
    Instant periodStart,
    String dimension,
    BigDecimal quantity,
    RecordStatus status,
    String meteringRecordId,
    String detail,
    ReceiptStatus receipt) {

  public SubmittedRecord {
    quantity = Quantities.canonical(quantity);
  }

  /** Accepted records start PENDING verification; others are never verified (null). */
  public static SubmittedRecord of(RecordResult result) {
    MeteringRecord record = result.record();
    return new SubmittedRecord(
        record.timestamp(),
        record.dimension(),
        record.exactQuantity(),
        result.status(),
        result.meteringRecordId(),
        result.detail(),
        result.status().accepted() ? ReceiptStatus.PENDING : null);
  }

  public SubmittedRecord withReceipt(ReceiptStatus newReceipt) {
    return new SubmittedRecord(
        periodStart, dimension, quantity, status, meteringRecordId, detail, newReceipt);
  }
}
