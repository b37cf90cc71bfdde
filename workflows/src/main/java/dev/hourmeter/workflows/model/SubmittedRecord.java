package dev.hourmeter.workflows.model;

import java.time.Instant;

/** One submitted record as {@code status} shows it. */
public record SubmittedRecord(
    Instant periodStart,
    String dimension,
    long quantity,
    RecordStatus status,
    String meteringRecordId,
    String detail,
    ReceiptStatus receipt) {

  /** Accepted records start PENDING verification; others are never verified (null). */
  public static SubmittedRecord of(RecordResult result) {
    MeteringRecord record = result.record();
    return new SubmittedRecord(
        record.timestamp(),
        record.dimension(),
        record.quantity(),
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
