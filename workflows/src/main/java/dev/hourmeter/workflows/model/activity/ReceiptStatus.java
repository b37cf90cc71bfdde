package dev.hourmeter.workflows.model.activity;

/** Whether CloudTrail confirms that AWS received an accepted record. */
public enum ReceiptStatus {
  /** Not checked yet, or not seen yet and still checked again later. */
  PENDING,
  /**
   * Seen in CloudTrail as a BatchMeterUsage event with status Success (possibly after one re-send).
   */
  VERIFIED,
  /**
   * Still missing near the end of the timestamp window: the identical record was re-sent; checking
   * again.
   */
  RESENT,
  /**
   * Never seen in CloudTrail and can no longer be re-sent. Needs an operator (search
   * MeteringVerification).
   */
  UNVERIFIED
}
