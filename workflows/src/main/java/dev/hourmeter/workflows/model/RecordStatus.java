package dev.hourmeter.workflows.model;

/** Final outcome of one record. Only {@link #SUCCESS} (and an identical resend of it) is billed. */
public enum RecordStatus {
  /** Accepted by AWS (BatchMeterUsage Status {@code Success}). */
  SUCCESS,
  /**
   * AWS already had a record for this customer, dimension and hour with another quantity; the first
   * stays.
   */
  DUPLICATE_RECORD,
  /** AWS answered {@code CustomerNotSubscribed}. */
  CUSTOMER_NOT_SUBSCRIBED,
  /** Rejected by an Invalid* error (isolated from the rest of its batch). Not retried. */
  INVALID,
  /** Rejected by TimestampOutOfBounds: the period left AWS's accepted window. */
  TIMESTAMP_OUT_OF_BOUNDS,
  /** AWS never confirmed the record before the timestamp window closed (retries exhausted). */
  UNCONFIRMED;

  public boolean accepted() {
    return this == SUCCESS;
  }
}
