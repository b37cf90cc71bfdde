package dev.hourmeter.workflows.model.activity;

/**
 * What AWS answered for one record. {@code detail} carries the error type or message for failures.
 */
public record RecordResult(
    MeteringRecord record, RecordStatus status, String meteringRecordId, String detail) {

  public static RecordResult unconfirmed(MeteringRecord record, String detail) {
    return new RecordResult(record, RecordStatus.UNCONFIRMED, null, detail);
  }
}
