package dev.hourmeter.workflows.model.activity;

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
  UNCONFIRMED,
  /**
   * AWS certainly did not accept the record before the window closed: every attempt was refused
   * before AWS processed it (throttled, connection refused, never sent). Its usage is carried to
   * the next open period ({@code CarriedUsage.NOT_ACCEPTED}).
   */
  NOT_ACCEPTED,
  /**
   * Some attempt's fate is unknown (a timeout or a 5xx after the request was sent). CloudTrail
   * decides: found, it is billed (receipt VERIFIED); not found at the check, its usage is carried
   * ({@code CarriedUsage.NOT_IN_CLOUDTRAIL}).
   */
  FATE_UNKNOWN;

  public boolean accepted() {
    return this == SUCCESS;
  }
}
