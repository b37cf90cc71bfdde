package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.BackoffPolicy;
import dev.hourmeter.activities.aws.MeteringService;
import dev.hourmeter.activities.aws.RequestSize;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Batching off: the activity sends its own records, at most 25 per BatchMeterUsage call (licensed
 * and legacy records in separate calls), on its own thread, without a worker-wide rate limit. Bad
 * records are isolated by the {@link BisectingBatchSender}; records AWS leaves unprocessed are sent
 * again up to {@value #UNPROCESSED_RESENDS} more times after a doubling backoff (default 200 ms,
 * 400 ms, 800 ms), then {@link UnprocessedRecordsException}; a retryable error ends the send at
 * once. Progress is checkpointed after every call.
 */
public final class DirectRecordSender implements RecordSender {

  /** How many times unprocessed records are re-sent within one {@link #send}. */
  public static final int UNPROCESSED_RESENDS = 3;

  public static final Duration DEFAULT_UNPROCESSED_BACKOFF = Duration.ofMillis(200);

  private static final Duration MAX_UNPROCESSED_BACKOFF = Duration.ofSeconds(20);

  private final BisectingBatchSender sender;
  private final BackoffPolicy unprocessedBackoff;

  public DirectRecordSender(MeteringService metering) {
    this(metering, DEFAULT_UNPROCESSED_BACKOFF);
  }

  /** With {@code unprocessedBackoff} as the first wait before re-sending unprocessed records. */
  public DirectRecordSender(MeteringService metering, Duration unprocessedBackoff) {
    this.sender = new BisectingBatchSender(Objects.requireNonNull(metering, "metering"), null);
    this.unprocessedBackoff = BackoffPolicy.doubling(unprocessedBackoff, MAX_UNPROCESSED_BACKOFF);
  }

  @Override
  public void send(SendRequest request, SendListener listener) throws InterruptedException {
    Objects.requireNonNull(listener, "listener");
    // Licensed records (Concurrent Agreements) and legacy ones never share a request.
    Map<Boolean, List<Integer>> byKind = new LinkedHashMap<>();
    for (int i = 0; i < request.records().size(); i++) {
      byKind.computeIfAbsent(request.records().get(i).licensed(), k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> kind : byKind.values()) {
      List<Integer> batch = new ArrayList<>();
      int bytes = 0;
      for (int index : kind) {
        int size = RequestSize.of(request.records().get(index));
        if (!batch.isEmpty()
            && (batch.size() == MeteringService.MAX_RECORDS_PER_CALL
                || bytes + size > RequestSize.BATCH_BUDGET_BYTES)) {
          sendBatch(request, List.copyOf(batch), listener);
          batch.clear();
          bytes = 0;
        }
        batch.add(index);
        bytes += size;
      }
      if (!batch.isEmpty()) {
        sendBatch(request, List.copyOf(batch), listener);
      }
    }
  }

  /** Sends one batch (at most 25 records), re-sending its unprocessed records a few times. */
  private void sendBatch(SendRequest request, List<Integer> batch, SendListener listener)
      throws InterruptedException {
    List<Integer> pending = batch;
    for (int round = 0; ; round++) {
      List<Integer> unprocessed = callOnce(request, pending, listener);
      if (unprocessed.isEmpty()) {
        return;
      }
      if (round >= UNPROCESSED_RESENDS) {
        throw new UnprocessedRecordsException(
            unprocessed.size()
                + " of "
                + request.records().size()
                + " records still unprocessed after "
                + (round + 1)
                + " sends; Temporal retries the rest");
      }
      Thread.sleep(unprocessedBackoff.delay(round).toMillis());
      pending = unprocessed;
    }
  }

  /**
   * One batch through the {@link BisectingBatchSender} (one call, more when bad records are
   * isolated); returns the indices AWS left unprocessed.
   */
  private List<Integer> callOnce(SendRequest request, List<Integer> batch, SendListener listener)
      throws InterruptedException {
    List<MeteringRecord> batchRecords = batch.stream().map(request.records()::get).toList();
    BatchResult outcome =
        sender.send(
            request.productCode(),
            batchRecords,
            (carried, soFar) -> {
              listener.calls(1);
              for (int i : carried) {
                RecordResult r = soFar.result(i);
                if (r != null) {
                  listener.finalResult(batch.get(i), r);
                }
              }
              listener.checkpoint();
            });
    if (outcome.failure() != null) {
      throw outcome.failure();
    }
    return outcome.unprocessed().stream().map(batch::get).toList();
  }

  /** Nothing to release: the SDK clients belong to the gateway. */
  @Override
  public void close() {}
}
