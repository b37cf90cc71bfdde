package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.MarketplaceCallException;

/**
 * How SubmitUsageRecords gets its records to BatchMeterUsage. Two implementations: {@link
 * MeteringBatcher} (batching on: records of concurrent activities share calls of up to 25, rate
 * limited worker-wide) and {@link DirectRecordSender} (batching off: each activity sends its own
 * records in its own calls). One instance per worker, shared by all activity threads; close it
 * after the worker has shut down.
 */
public interface RecordSender extends AutoCloseable {

  /**
   * Sends {@code request.records()} (any number, one product) until each has a final result,
   * reporting each final result and call count to {@code listener} as they become known. Returns
   * normally when every record has a final result.
   *
   * @throws MarketplaceCallException a retryable AWS error (throttling, 5xx, I/O) that outlasted
   *     the sender's own retries
   * @throws UnprocessedRecordsException AWS kept returning some records as unprocessed
   * @throws InterruptedException the calling thread was interrupted
   * @throws io.temporal.failure.ApplicationFailure typed {@code MeteringBatcherFailure} when the
   *     batcher failed unexpectedly (closed, or a bug)
   */
  void send(SendRequest request, SendListener listener) throws InterruptedException;

  /** Stops the sender; idempotent. */
  @Override
  void close();
}
