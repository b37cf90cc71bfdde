package dev.hourmeter.activities.batching;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One record in the {@link MeteringBatcher}, from submit to its outcome. The scheduling fields
 * ({@code readyAt}, {@code dueAt}) are guarded by the {@link BatchQueues} lock; the counters are
 * touched only by the one sender thread that holds the record's batch.
 */
final class PendingRecord {
  final MeteringRecord record;
  final String productCode;

  /** The workflow that submitted it (null when unknown): named in the batcher threads' logs. */
  final String workflowId;

  final CompletableFuture<RecordOutcome> future = new CompletableFuture<>();
  final long enqueuedNanos;
  final Set<Long> callIds = ConcurrentHashMap.newKeySet();

  /** System.nanoTime() from which it may be sent. */
  long readyAt;

  /** System.nanoTime() by which its batch should be sent even if not full. */
  long dueAt;

  int retries;

  /**
   * Its sender stopped waiting for it (the activity attempt ended): never sent or re-queued again.
   * Guarded by the {@link BatchQueues} lock.
   */
  boolean withdrawn;

  /** The first failed call of this record whose fate is unknown (null: none so far). */
  dev.hourmeter.activities.aws.MarketplaceCallException fateUnknownFailure;

  int unprocessedResends;
  int sends;
  boolean waitRecorded;

  PendingRecord(
      MeteringRecord record, String productCode, String workflowId, long now, long dueAt) {
    this.record = record;
    this.productCode = productCode;
    this.workflowId = workflowId;
    this.enqueuedNanos = now;
    this.readyAt = now;
    this.dueAt = dueAt;
  }

  /**
   * What this record fails with when it gets no more calls: {@code last}, unless an earlier call of
   * it had an unknown fate, which outweighs a later certain refusal.
   */
  Throwable finalFailure(Throwable last) {
    return SendFailureFate.certainlyNotProcessed(last) && fateUnknownFailure != null
        ? fateUnknownFailure
        : last;
  }

  boolean readyBy(long now) {
    return readyAt - now <= 0;
  }
}
