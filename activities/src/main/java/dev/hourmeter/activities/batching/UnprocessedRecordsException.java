package dev.hourmeter.activities.batching;

/**
 * AWS kept returning a record in {@code UnprocessedRecords}: the batcher gave up re-sending it.
 * Retryable: the activity fails and Temporal retries it durably.
 */
public final class UnprocessedRecordsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The failure type the activity reports (as the direct path does). */
  public static final String TYPE = "UnprocessedRecords";

  public UnprocessedRecordsException(String message) {
    super(message);
  }
}
