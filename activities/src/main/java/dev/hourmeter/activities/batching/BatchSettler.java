package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.BackoffPolicy;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Sends one shared batch of the {@link MeteringBatcher} (on a sender thread) and settles each of
 * its records: a final result completes the record's future; an unprocessed or retryable one is
 * re-queued after a {@link BackoffPolicy} wait, or, after too many tries, its future fails.
 *
 * <p>Sender threads are not activity threads, so the Temporal SDK puts no workflow id in their MDC:
 * while a batch is sent, {@value #MDC_WORKFLOW_ID} holds the ids of the workflows whose records it
 * carries (comma separated), and the lines written here name them and the customers.
 */
final class BatchSettler {

  /** The MDC key the Temporal SDK (1.38, {@code LoggerTag.WORKFLOW_ID}) sets on its threads. */
  static final String MDC_WORKFLOW_ID = "WorkflowId";

  private static final Logger log = LoggerFactory.getLogger(BatchSettler.class);

  private final BisectingBatchSender sender;
  private final BatchQueues queues;
  private final BatcherMetrics metrics;
  private final BackoffPolicy retryBackoff;
  private final BackoffPolicy unprocessedBackoff;
  private final int maxRetries;
  private final int maxUnprocessedResends;
  private final AtomicLong callIds = new AtomicLong();

  BatchSettler(
      BisectingBatchSender sender,
      BatchQueues queues,
      BatcherMetrics metrics,
      BackoffPolicy retryBackoff,
      BackoffPolicy unprocessedBackoff,
      int maxRetries,
      int maxUnprocessedResends) {
    this.sender = Objects.requireNonNull(sender);
    this.queues = Objects.requireNonNull(queues);
    this.metrics = Objects.requireNonNull(metrics);
    this.retryBackoff = Objects.requireNonNull(retryBackoff);
    this.unprocessedBackoff = Objects.requireNonNull(unprocessedBackoff);
    this.maxRetries = maxRetries;
    this.maxUnprocessedResends = maxUnprocessedResends;
  }

  /** Sends {@code batch} with {@code permit} (released here) and settles its records. */
  void send(BatchQueues.Batch batch, MeteringRateLimiter.Permit permit) {
    List<PendingRecord> records = batch.records();
    MDC.put(MDC_WORKFLOW_ID, workflowIds(records));
    try {
      settle(batch.productCode(), records, permit);
    } finally {
      MDC.remove(MDC_WORKFLOW_ID);
    }
  }

  private void settle(
      String product, List<PendingRecord> batch, MeteringRateLimiter.Permit permit) {
    metrics.sending(batch);
    batch.forEach(p -> p.sends++);
    List<MeteringRecord> records = batch.stream().map(p -> p.record).toList();
    BatchResult result;
    try {
      result =
          sender.send(
              product,
              records,
              (carried, soFar) -> {
                long id = callIds.incrementAndGet();
                metrics.call();
                carried.forEach(i -> batch.get(i).callIds.add(id));
              },
              permit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      IllegalStateException closed = new IllegalStateException("the metering batcher was closed");
      batch.forEach(p -> p.future.completeExceptionally(closed));
      return;
    } catch (RuntimeException e) {
      log.error(
          "BatchMeterUsage product={}: unexpected failure of a batch of {} records (customers {}, workflows {})",
          product,
          batch.size(),
          customers(batch),
          workflowIds(batch),
          e);
      batch.forEach(p -> p.future.completeExceptionally(e));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      RecordResult r = result.result(i);
      if (r != null) {
        PendingRecord p = batch.get(i);
        metrics.record(r.status().name());
        p.future.complete(new RecordOutcome(r, p.callIds));
      }
    }
    requeueUnprocessed(batch, result.unprocessed());
    MarketplaceCallException failure = result.failure();
    if (failure != null) {
      List<PendingRecord> failed = result.failed().stream().map(batch::get).toList();
      log.warn(
          "BatchMeterUsage product={}: {} of {} records of a shared batch hit {} (customers {}, workflows {})",
          product,
          failed.size(),
          batch.size(),
          failure.errorType(),
          customers(failed),
          workflowIds(failed));
      requeueFailed(failed, failure);
    }
  }

  private void requeueUnprocessed(List<PendingRecord> batch, List<Integer> unprocessed) {
    // One ready time per batch and reason, so that re-queued records go out together again.
    List<PendingRecord> again = new ArrayList<>();
    long readyAt = 0;
    for (int i : unprocessed) {
      PendingRecord p = batch.get(i);
      if (++p.unprocessedResends > maxUnprocessedResends) {
        metrics.record(UnprocessedRecordsException.TYPE);
        p.future.completeExceptionally(
            p.finalFailure(
                new UnprocessedRecordsException(
                    "record still unprocessed after "
                        + p.unprocessedResends
                        + " sends; Temporal retries it")));
      } else {
        if (again.isEmpty()) {
          readyAt =
              System.nanoTime() + unprocessedBackoff.delay(p.unprocessedResends - 1).toNanos();
        }
        again.add(p);
      }
    }
    requeue(
        again,
        readyAt,
        "unprocessed",
        new UnprocessedRecordsException("record unprocessed, then withdrawn by its sender"));
  }

  private void requeueFailed(List<PendingRecord> failed, MarketplaceCallException failure) {
    List<PendingRecord> again = new ArrayList<>();
    long readyAt = 0;
    for (PendingRecord p : failed) {
      if (p.fateUnknownFailure == null && !SendFailureFate.certainlyNotProcessed(failure)) {
        p.fateUnknownFailure = failure;
      }
      if (++p.retries > maxRetries) {
        metrics.record(failure.errorType());
        p.future.completeExceptionally(p.finalFailure(failure));
      } else {
        if (again.isEmpty()) {
          // Throttled: one doubling more than another retryable error.
          int retry = p.retries - 1 + (failure.throttled() ? 1 : 0);
          readyAt = System.nanoTime() + retryBackoff.delay(retry).toNanos();
        }
        again.add(p);
      }
    }
    requeue(again, readyAt, failure.throttled() ? "throttled" : "retryable", failure);
  }

  /**
   * Re-queues records for another call; one whose sender withdrew it meanwhile (its attempt's time
   * ran out while it was in this call) ends with {@code failure}, the answer of its last call.
   */
  private void requeue(
      List<PendingRecord> records, long readyAt, String reason, Throwable failure) {
    if (records.isEmpty()) {
      return;
    }
    List<PendingRecord> withdrawn = queues.requeue(records, readyAt);
    if (withdrawn == null) {
      IllegalStateException closed = new IllegalStateException("the metering batcher was closed");
      records.forEach(p -> p.future.completeExceptionally(closed));
      return;
    }
    withdrawn.forEach(p -> p.future.completeExceptionally(p.finalFailure(failure)));
    records.stream().filter(p -> !withdrawn.contains(p)).forEach(p -> metrics.requeued(reason));
  }

  static String workflowIds(List<PendingRecord> records) {
    Set<String> ids = new LinkedHashSet<>();
    records.forEach(p -> ids.add(p.workflowId == null ? "-" : p.workflowId));
    return String.join(",", ids);
  }

  private static String customers(List<PendingRecord> records) {
    return records.stream()
        .map(p -> p.record.customer().value())
        .distinct()
        .collect(Collectors.joining(","));
  }
}
