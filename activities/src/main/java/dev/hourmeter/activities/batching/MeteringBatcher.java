package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.BackoffPolicy;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.aws.MeteringService;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Batching on: cross-customer batching of BatchMeterUsage, the {@link RecordSender} of a worker
 * that batches. One per worker, shared by every SubmitUsageRecords activity execution of that
 * worker, thread-safe.
 *
 * <p>{@link #submit} queues records per product code ({@link BatchQueues}). A single dispatcher
 * thread sends a product's queue as a batch of up to 25 records when 25 are waiting or when the
 * oldest has waited {@code linger} (default {@value #DEFAULT_LINGER_MILLIS} ms), so a lone customer
 * is delayed by at most the linger (plus the wait for a rate-limiter permit). Before forming a
 * batch the dispatcher takes a permit from the worker's {@link MeteringRateLimiter} (default
 * {@value MeteringRateLimiter#AWS_QUOTA_PER_SECOND} calls/s, AWS's quota; with several workers, the
 * worker's share of it), so that under load the queue fills while it waits and every call is full.
 * Calls run on a small pool of sender threads ({@link BatchDispatcher}, {@link BatchSettler} over a
 * {@link BisectingBatchSender}).
 *
 * <p>Each record's future completes with its own {@link RecordOutcome}:
 *
 * <ul>
 *   <li>Success / DuplicateRecord / CustomerNotSubscribed with the MeteringRecordId AWS returned;
 *   <li>INVALID or TIMESTAMP_OUT_OF_BOUNDS after the bad records are isolated by bisection inside
 *       the shared batch: the other customers' records of that batch are not affected;
 *   <li>UnprocessedRecords are re-queued (with backoff) up to {@code maxUnprocessedResends} times,
 *       then the future fails with {@link UnprocessedRecordsException};
 *   <li>retryable errors (throttling, 5xx, I/O) re-queue the batch's records with jittered
 *       exponential backoff up to {@code maxRetries} times, then the future fails with the
 *       classified {@link MarketplaceCallException}, so the activity fails retryably and Temporal
 *       retries it durably.
 * </ul>
 *
 * Re-sending is always safe: timestamps are deterministic and AWS deduplicates identical records. A
 * record is reported SUCCESS only when AWS returned Success for it. Metrics: see {@link
 * BatcherMetrics}.
 */
public final class MeteringBatcher implements RecordSender {

  public static final long DEFAULT_LINGER_MILLIS = 1000;
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(DEFAULT_LINGER_MILLIS);
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final int DEFAULT_MAX_UNPROCESSED_RESENDS = 3;

  /** Backoffs grow by doubling up to this, jittered +-50 %. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

  private static final Logger log = LoggerFactory.getLogger(MeteringBatcher.class);

  private final MeteringRateLimiter limiter;
  private final long lingerNanos;
  private final BatchQueues queues = new BatchQueues();
  private final RecordWithdrawals withdrawals = new RecordWithdrawals(queues);
  private final BatchDispatcher dispatcher;

  private MeteringBatcher(Builder b) {
    this.limiter = b.limiter != null ? b.limiter : new MeteringRateLimiter(b.callsPerSecond);
    this.lingerNanos = b.linger.toNanos();
    BatchSettler settler =
        new BatchSettler(
            new BisectingBatchSender(b.metering, limiter),
            queues,
            new BatcherMetrics(b.registry, queues.queued()),
            new BackoffPolicy(b.retryBackoff, MAX_BACKOFF, 0.5),
            new BackoffPolicy(b.unprocessedBackoff, MAX_BACKOFF, 0.5),
            b.maxRetries,
            b.maxUnprocessedResends);
    this.dispatcher = new BatchDispatcher(queues, limiter, settler);
    log.info(
        "Metering batcher: linger {} ms, {} BatchMeterUsage calls/s now (interval {} ms), {} retries",
        b.linger.toMillis(),
        limiter.callsPerSecond(),
        limiter.interval().toMillis(),
        b.maxRetries);
  }

  public static Builder builder(MarketplaceGateway gateway) {
    return new Builder(Objects.requireNonNull(gateway, "gateway").metering());
  }

  public MeteringRateLimiter rateLimiter() {
    return limiter;
  }

  public Duration linger() {
    return Duration.ofNanos(lingerNanos);
  }

  /**
   * Queues {@code records} of {@code productCode}; returns one future per record, in order. A
   * future completes normally with the record's final {@link RecordOutcome}, or exceptionally with
   * a retryable {@link MarketplaceCallException} or {@link UnprocessedRecordsException} (or an
   * unexpected error).
   *
   * @throws IllegalStateException when the batcher is closed
   */
  public List<CompletableFuture<RecordOutcome>> submit(
      String productCode, List<MeteringRecord> records) {
    return submit(productCode, records, MDC.get(BatchSettler.MDC_WORKFLOW_ID));
  }

  /** As {@link #submit(String, List)}, for the workflow {@code workflowId} (named in logs). */
  public List<CompletableFuture<RecordOutcome>> submit(
      String productCode, List<MeteringRecord> records, String workflowId) {
    return enqueue(productCode, records, workflowId).stream().map(p -> p.future).toList();
  }

  private List<PendingRecord> enqueue(
      String productCode, List<MeteringRecord> records, String workflowId) {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(records, "records");
    List<PendingRecord> pending = new ArrayList<>(records.size());
    if (records.isEmpty()) {
      return pending;
    }
    long now = System.nanoTime();
    for (MeteringRecord record : records) {
      pending.add(
          new PendingRecord(
              Objects.requireNonNull(record, "record"),
              productCode,
              workflowId,
              now,
              now + lingerNanos));
    }
    queues.add(productCode, pending);
    return pending;
  }

  /**
   * Queues the request's records and waits for their outcomes; {@link SendListener#calls} counts
   * each shared call that carried them once.
   *
   * <p>When the request's {@code sendBy} passes first, the records still waiting for a call are
   * withdrawn (certainly not accepted, unless an earlier call of theirs had an unknown fate) and
   * those in a call are waited for until {@code answersBy}. When the wait ends early in any other
   * way (the listener's checkpoint threw because the attempt timed out or was cancelled, the thread
   * was interrupted), or a call is still unanswered at {@code answersBy}, every record without an
   * outcome is withdrawn: one in a call finishes that call, but none is sent or re-sent after its
   * attempt ended, when the workflow may already be deciding its fate (CloudTrail, carry) from the
   * attempt's last heartbeat. Records certainly not accepted are reported with {@link
   * SendListener#notSent}.
   */
  @Override
  public void send(SendRequest request, SendListener listener) throws InterruptedException {
    List<PendingRecord> pending =
        enqueue(request.productCode(), request.records(), request.workflowId());
    OutcomeWait wait = new OutcomeWait(pending.stream().map(p -> p.future).toList(), listener);
    try {
      wait.await(request, () -> withdrawals.withdrawWaiting(pending, request.workflowId()));
    } finally {
      withdrawals.abandonUnanswered(pending, request.workflowId());
      wait.reportCompleted();
    }
  }

  /** Stops the dispatcher; records not yet answered fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    if (queues.isClosed()) {
      return;
    }
    List<PendingRecord> abandoned = queues.close();
    dispatcher.stop();
    IllegalStateException failure = new IllegalStateException("the metering batcher was closed");
    abandoned.forEach(p -> p.future.completeExceptionally(failure));
  }

  /** Configures a {@link MeteringBatcher}. */
  public static final class Builder {
    private final MeteringService metering;
    private Duration linger = DEFAULT_LINGER;
    private double callsPerSecond = MeteringRateLimiter.AWS_QUOTA_PER_SECOND;
    private MeteringRateLimiter limiter;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private int maxUnprocessedResends = DEFAULT_MAX_UNPROCESSED_RESENDS;
    private Duration retryBackoff = Duration.ofMillis(500);
    private Duration unprocessedBackoff = Duration.ofMillis(200);
    private MeterRegistry registry = Metrics.globalRegistry;

    private Builder(MeteringService metering) {
      this.metering = metering;
    }

    /** How long the oldest queued record may wait for its batch to fill (default 1 s; 0 = none). */
    public Builder linger(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("linger must be >= 0: " + value);
      }
      linger = value;
      return this;
    }

    /** BatchMeterUsage calls/s for this worker, fixed (default 10 = AWS's quota). */
    public Builder callsPerSecond(double value) {
      callsPerSecond = value;
      limiter = null;
      return this;
    }

    /** A limiter shared with other users of the same quota in this JVM (overrides the rate). */
    public Builder rateLimiter(MeteringRateLimiter value) {
      limiter = Objects.requireNonNull(value, "rateLimiter");
      return this;
    }

    /** How often a record is re-queued after throttling / 5xx before its future fails (3). */
    public Builder maxRetries(int value) {
      maxRetries = requireNonNegative("maxRetries", value);
      return this;
    }

    /** How often an unprocessed record is re-queued before its future fails (default 3). */
    public Builder maxUnprocessedResends(int value) {
      maxUnprocessedResends = requireNonNegative("maxUnprocessedResends", value);
      return this;
    }

    /** First backoff after a retryable error (default 500 ms; x2 per retry and when throttled). */
    public Builder retryBackoff(Duration value) {
      retryBackoff = Objects.requireNonNull(value);
      return this;
    }

    /** First backoff before re-sending unprocessed records (default 200 ms, x2 per resend). */
    public Builder unprocessedBackoff(Duration value) {
      unprocessedBackoff = Objects.requireNonNull(value);
      return this;
    }

    public Builder registry(MeterRegistry value) {
      registry = value == null ? Metrics.globalRegistry : value;
      return this;
    }

    public MeteringBatcher build() {
      return new MeteringBatcher(this);
    }

    private static int requireNonNegative(String name, int value) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " must be >= 0: " + value);
      }
      return value;
    }
  }
}
