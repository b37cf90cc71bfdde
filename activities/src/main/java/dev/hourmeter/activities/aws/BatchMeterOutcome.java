package dev.hourmeter.activities.aws;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import java.util.List;

/**
 * What one BatchMeterUsage call answered, in our own types. {@code results} hold the records AWS
 * returned in {@code Results} (read {@link MeteredRecord#status()}: appearing there does not mean
 * accepted); {@code unprocessed} are the records to send again: AWS's {@code UnprocessedRecords},
 * plus any record the response did not mention at all.
 */
public record BatchMeterOutcome(List<MeteredRecord> results, List<MeteringRecord> unprocessed) {

  public BatchMeterOutcome {
    results = List.copyOf(results);
    unprocessed = List.copyOf(unprocessed);
  }

  /** The Status AWS gave one record. */
  public enum MeterStatus {
    /** {@code Success}: accepted and billed. */
    SUCCESS,
    /** {@code CustomerNotSubscribed}. */
    CUSTOMER_NOT_SUBSCRIBED,
    /**
     * {@code DuplicateRecord}: same customer, dimension and hour already metered with another
     * quantity.
     */
    DUPLICATE_RECORD,
    /** A status this SDK version does not know. Never treated as accepted. */
    UNRECOGNIZED
  }

  /** One entry of {@code Results}, matched back to the record we sent. */
  public record MeteredRecord(
      MeteringRecord record, MeterStatus status, String awsStatus, String meteringRecordId) {}
}
