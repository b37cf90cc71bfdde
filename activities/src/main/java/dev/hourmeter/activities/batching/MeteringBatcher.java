package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.RecordResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-customer batching of BatchMeterUsage: one per worker, shared by every SubmitUsageRecords
 * activity execution of that worker, thread-safe.
 *
 * <p>{@link #submit} queues records per product code. A single dispatcher thread sends a product's
 * queue as a batch of up to 25 records when 25 are waiting or when the oldest has waited {@code
 * linger} (default {@value #DEFAULT_LINGER_MILLIS} ms), so a lone customer is delayed by at most
 * the linger (plus the wait for a rate-limiter permit). Before forming a batch the dispatcher takes
 * a permit from the worker's {@link MeteringRateLimiter} (default {@value
 * MeteringRateLimiter#AWS_QUOTA_PER_SECOND} calls/s, AWS's quota; see there how to split it across
 * workers), so that under load the queue fills while it waits and every call is full. Calls run on
 * a small pool of sender threads via {@link BisectingBatchSender}.
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
 * record is reported SUCCESS only when AWS returned Success for it.
 *
 * <p>Metrics (no customer ids): {@code hourmeter.batcher.batch.size} (records per first send of a
 * batch), {@code hourmeter.batcher.queue.wait} (submit to first send), {@code
 * hourmeter.batcher.calls} (BatchMeterUsage calls, bisection included), {@code
 * hourmeter.batcher.requeued{reason}}, {@code hourmeter.batcher.records{outcome}} and the gauge
 * {@code hourmeter.batcher.queued}.
 */
public final class MeteringBatcher implements AutoCloseable {

  public static final long DEFAULT_LINGER_MILLIS = 1000;
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(DEFAULT_LINGER_MILLIS);
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final int DEFAULT_MAX_UNPROCESSED_RESENDS = 3;

  private static final Logger log = LoggerFactory.getLogger(MeteringBatcher.class);
  private static final int MAX = MarketplaceGateway.MAX_RECORDS_PER_CALL;

  private final BisectingBatchSender sender;
  private final MeteringRateLimiter limiter;
  private final long lingerNanos;
  private final int maxRetries;
  private final int maxUnprocessedResends;
  private final Duration retryBackoff;
  private final Duration unprocessedBackoff;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, ProductQueue> queues = new LinkedHashMap<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong callIds = new AtomicLong();
  private final ExecutorService senders;
  private final Thread dispatcher;
  private volatile boolean closed;

  private final DistributionSummary batchSize;
  private final Timer queueWait;
  private final Counter calls;
  private final MeterRegistry registry;

  private MeteringBatcher(Builder b) {
    this.limiter = b.limiter != null ? b.limiter : new MeteringRateLimiter(b.callsPerSecond);
    this.sender = new BisectingBatchSender(b.gateway, limiter);
    this.lingerNanos = b.linger.toNanos();
    this.maxRetries = b.maxRetries;
    this.maxUnprocessedResends = b.maxUnprocessedResends;
    this.retryBackoff = b.retryBackoff;
    this.unprocessedBackoff = b.unprocessedBackoff;
    this.registry = b.registry;
    this.batchSize =
        DistributionSummary.builder("hourmeter.batcher.batch.size")
            .description("records per BatchMeterUsage batch as first sent")
            .baseUnit("records")
            .publishPercentileHistogram()
            .serviceLevelObjectives(1, 5, 10, 20, 24, 25)
            .register(registry);
    this.queueWait =
        Timer.builder("hourmeter.batcher.queue.wait")
            .description("time from submit to the first send of a record")
            .publishPercentileHistogram()
            .register(registry);
    this.calls =
        Counter.builder("hourmeter.batcher.calls")
            .description("BatchMeterUsage calls made by the batcher")
            .register(registry);
    Gauge.builder("hourmeter.batcher.queued", queued, AtomicInteger::get)
        .description("records waiting to be sent")
        .register(registry);
    AtomicInteger senderNo = new AtomicInteger();
    this.senders =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "metering-batch-sender-" + senderNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.dispatcher = new Thread(this::dispatch, "metering-batch-dispatcher");
    dispatcher.setDaemon(true);
    dispatcher.start();
    log.info(
        "Metering batcher: linger {} ms, {} BatchMeterUsage calls/s (interval {} ms), {} retries",
        b.linger.toMillis(),
        limiter.callsPerSecond(),
        limiter.interval().toMillis(),
        maxRetries);
  }

  public static Builder builder(MarketplaceGateway gateway) {
    return new Builder(gateway);
  }

  /** Defaults: linger 1 s, 10 calls/s, {@link Metrics#globalRegistry}. */
  public static MeteringBatcher withDefaults(MarketplaceGateway gateway) {
    return builder(gateway).build();
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
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(records, "records");
    List<CompletableFuture<RecordOutcome>> futures = new ArrayList<>(records.size());
    if (records.isEmpty()) {
      return futures;
    }
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the metering batcher is closed");
      }
      long now = System.nanoTime();
      ProductQueue queue = queues.computeIfAbsent(productCode, ProductQueue::new);
      for (MeteringRecord record : records) {
        Pending p = new Pending(Objects.requireNonNull(record, "record"), now, now + lingerNanos);
        queue.fresh.add(p);
        futures.add(p.future);
      }
      queued.addAndGet(records.size());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return futures;
  }

  /**
   * As {@link #submit}, completing when every record has its outcome (exceptionally if any failed).
   */
  public CompletableFuture<List<RecordOutcome>> submitAll(
      String productCode, List<MeteringRecord> records) {
    List<CompletableFuture<RecordOutcome>> futures = submit(productCode, records);
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
  }

  // -------------------------------------------------------------------------------------------
  // dispatcher

  private void dispatch() {
    while (!closed) {
      try {
        awaitDueBatch();
        if (closed) {
          return;
        }
        MeteringRateLimiter.Permit permit = limiter.acquire();
        String product;
        List<Pending> batch;
        lock.lock();
        try {
          long now = System.nanoTime();
          product = mostDue(now);
          batch = product == null ? List.of() : queues.get(product).take(now);
          queued.addAndGet(-batch.size());
        } finally {
          lock.unlock();
        }
        if (batch.isEmpty()) {
          permit.release(); // closed meanwhile; only the dispatcher removes records
          continue;
        }
        try {
          senders.execute(() -> send(product, batch, permit));
        } catch (RuntimeException e) {
          permit.release();
          IllegalStateException closedFailure =
              new IllegalStateException("the metering batcher was closed");
          batch.forEach(p -> p.future.completeExceptionally(closedFailure));
        }
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      } catch (RuntimeException e) {
        log.error("metering batcher dispatcher: unexpected error", e);
      }
    }
  }

  private void awaitDueBatch() throws InterruptedException {
    lock.lock();
    try {
      while (!closed) {
        long now = System.nanoTime();
        long wait = Long.MAX_VALUE;
        for (ProductQueue q : queues.values()) {
          wait = Math.min(wait, q.dueIn(now));
        }
        if (wait <= 0) {
          return;
        }
        if (wait == Long.MAX_VALUE) {
          changed.await();
        } else {
          changed.awaitNanos(wait);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** A full queue first, else the queue whose oldest eligible record is most overdue. */
  private String mostDue(long now) {
    String best = null;
    long bestDue = Long.MAX_VALUE;
    for (ProductQueue q : queues.values()) {
      long due = q.dueIn(now);
      if (due > 0) {
        continue;
      }
      if (q.eligible(now) >= MAX) {
        return q.product;
      }
      if (best == null || due < bestDue) {
        best = q.product;
        bestDue = due;
      }
    }
    return best;
  }

  // -------------------------------------------------------------------------------------------
  // sending

  private void send(String product, List<Pending> batch, MeteringRateLimiter.Permit permit) {
    long now = System.nanoTime();
    for (Pending p : batch) {
      if (!p.waitRecorded) {
        p.waitRecorded = true;
        queueWait.record(now - p.enqueuedNanos, TimeUnit.NANOSECONDS);
      }
    }
    if (batch.stream().allMatch(p -> p.sends == 0)) {
      batchSize.record(batch.size());
    }
    batch.forEach(p -> p.sends++);
    List<MeteringRecord> records = batch.stream().map(p -> p.record).toList();
    BisectingBatchSender.Result result;
    try {
      result =
          sender.send(
              product,
              records,
              (carried, soFar) -> {
                long id = callIds.incrementAndGet();
                calls.increment();
                carried.forEach(i -> batch.get(i).callIds.add(id));
              },
              permit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      IllegalStateException closedFailure =
          new IllegalStateException("the metering batcher was closed");
      batch.forEach(p -> p.future.completeExceptionally(closedFailure));
      return;
    } catch (RuntimeException e) {
      log.error(
          "BatchMeterUsage product={}: unexpected failure of a batch of {} records",
          product,
          batch.size(),
          e);
      batch.forEach(p -> p.future.completeExceptionally(e));
      return;
    }
    List<Integer> unprocessed = result.unprocessed();
    for (int i = 0; i < batch.size(); i++) {
      RecordResult r = result.result(i);
      if (r != null) {
        Pending p = batch.get(i);
        registry.counter("hourmeter.batcher.records", "outcome", r.status().name()).increment();
        p.future.complete(new RecordOutcome(r, p.callIds));
      }
    }
    // One ready time per batch and reason, so that re-queued records go out together again.
    long unprocessedAt = 0;
    boolean unprocessedAtSet = false;
    for (int i : unprocessed) {
      Pending p = batch.get(i);
      if (++p.unprocessedResends > maxUnprocessedResends) {
        registry
            .counter("hourmeter.batcher.records", "outcome", UnprocessedRecordsException.TYPE)
            .increment();
        p.future.completeExceptionally(
            new UnprocessedRecordsException(
                "record still unprocessed after "
                    + p.unprocessedResends
                    + " sends; Temporal retries it"));
      } else {
        if (!unprocessedAtSet) {
          unprocessedAtSet = true;
          unprocessedAt =
              System.nanoTime() + backoff(unprocessedBackoff, p.unprocessedResends, false);
        }
        requeue(product, p, unprocessedAt, "unprocessed");
      }
    }
    MarketplaceCallException failure = result.failure();
    if (failure != null) {
      List<Integer> failed = result.failed();
      log.warn(
          "BatchMeterUsage product={}: {} of {} records of a shared batch hit {}",
          product,
          failed.size(),
          batch.size(),
          failure.errorType());
      long retryAt = 0;
      boolean retryAtSet = false;
      for (int i : failed) {
        Pending p = batch.get(i);
        if (++p.retries > maxRetries) {
          registry.counter("hourmeter.batcher.records", "outcome", failure.errorType()).increment();
          p.future.completeExceptionally(failure);
        } else {
          if (!retryAtSet) {
            retryAtSet = true;
            retryAt = System.nanoTime() + backoff(retryBackoff, p.retries, failure.throttled());
          }
          requeue(product, p, retryAt, failure.throttled() ? "throttled" : "retryable");
        }
      }
    }
  }

  /** {@code base * 2^(n-1)} (doubled again when throttled), capped at 20 s, jittered +-50 %. */
  private static long backoff(Duration base, int n, boolean throttled) {
    long millis = base.toMillis() << Math.min(n - 1 + (throttled ? 1 : 0), 10);
    millis = Math.min(millis, 20_000);
    double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
    return TimeUnit.MILLISECONDS.toNanos(Math.max(1, (long) (millis * jitter)));
  }

  /** Re-queues {@code p}, ready (and due) at {@code readyAt} (System.nanoTime()). */
  private void requeue(String product, Pending p, long readyAt, String reason) {
    registry.counter("hourmeter.batcher.requeued", "reason", reason).increment();
    lock.lock();
    try {
      if (closed) {
        p.future.completeExceptionally(
            new IllegalStateException("the metering batcher was closed"));
        return;
      }
      p.readyAt = readyAt;
      p.dueAt = readyAt;
      queues.computeIfAbsent(product, ProductQueue::new).retries.add(p);
      queued.incrementAndGet();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the dispatcher; records not yet answered fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    List<Pending> abandoned = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (ProductQueue q : queues.values()) {
        abandoned.addAll(q.fresh);
        abandoned.addAll(q.retries);
      }
      queues.clear();
      queued.set(0);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    dispatcher.interrupt();
    senders.shutdown();
    try {
      if (!senders.awaitTermination(5, TimeUnit.SECONDS)) {
        senders.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      senders.shutdownNow();
    }
    IllegalStateException failure = new IllegalStateException("the metering batcher was closed");
    abandoned.forEach(p -> p.future.completeExceptionally(failure));
  }

  // -------------------------------------------------------------------------------------------
  // state

  private static final class Pending {
    final MeteringRecord record;
    final CompletableFuture<RecordOutcome> future = new CompletableFuture<>();
    final long enqueuedNanos;
    final Set<Long> callIds = ConcurrentHashMap.newKeySet();
    long readyAt;
    long dueAt;
    int retries;
    int unprocessedResends;
    int sends;
    boolean waitRecorded;

    Pending(MeteringRecord record, long now, long dueAt) {
      this.record = record;
      this.enqueuedNanos = now;
      this.readyAt = now;
      this.dueAt = dueAt;
    }
  }

  /** One product's queue; guarded by the batcher's lock. */
  private static final class ProductQueue {
    final String product;

    /** New records in submission order: ready at once, due after the linger. */
    final ArrayDeque<Pending> fresh = new ArrayDeque<>();

    /** Re-queued records (few): ready and due after their backoff. */
    final List<Pending> retries = new ArrayList<>();

    ProductQueue(String product) {
      this.product = product;
    }

    int eligible(long now) {
      int n = fresh.size();
      for (Pending p : retries) {
        if (p.readyAt - now <= 0) {
          n++;
        }
      }
      return n;
    }

    /**
     * Nanoseconds until a batch of this queue is due (<= 0: due now), Long.MAX_VALUE when empty.
     */
    long dueIn(long now) {
      if (eligible(now) >= MAX) {
        return 0;
      }
      long due = Long.MAX_VALUE;
      if (!fresh.isEmpty()) {
        due = fresh.peekFirst().dueAt - now;
      }
      for (Pending p : retries) {
        due = Math.min(due, p.dueAt - now);
      }
      return due;
    }

    /** Up to 25 eligible records: re-queued ones first, then the oldest new ones. */
    List<Pending> take(long now) {
      List<Pending> batch = new ArrayList<>(MAX);
      for (Iterator<Pending> it = retries.iterator(); it.hasNext() && batch.size() < MAX; ) {
        Pending p = it.next();
        if (p.readyAt - now <= 0) {
          batch.add(p);
          it.remove();
        }
      }
      while (batch.size() < MAX && !fresh.isEmpty()) {
        batch.add(fresh.pollFirst());
      }
      return batch;
    }
  }

  /** Configures a {@link MeteringBatcher}. */
  public static final class Builder {
    private final MarketplaceGateway gateway;
    private Duration linger = DEFAULT_LINGER;
    private double callsPerSecond = MeteringRateLimiter.AWS_QUOTA_PER_SECOND;
    private MeteringRateLimiter limiter;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private int maxUnprocessedResends = DEFAULT_MAX_UNPROCESSED_RESENDS;
    private Duration retryBackoff = Duration.ofMillis(500);
    private Duration unprocessedBackoff = Duration.ofMillis(200);
    private MeterRegistry registry = Metrics.globalRegistry;

    private Builder(MarketplaceGateway gateway) {
      this.gateway = Objects.requireNonNull(gateway, "gateway");
    }

    /**
     * How long the oldest queued record may wait for its batch to fill (default 1 s; 0 = send at
     * once).
     */
    public Builder linger(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("linger must be >= 0: " + value);
      }
      linger = value;
      return this;
    }

    /**
     * BatchMeterUsage calls per second for this worker (default 10 = AWS's quota; 10/N for N
     * workers).
     */
    public Builder callsPerSecond(double value) {
      callsPerSecond = value;
      limiter = null;
      return this;
    }

    /**
     * A limiter shared with other users of the same quota in this JVM (overrides {@link
     * #callsPerSecond}).
     */
    public Builder rateLimiter(MeteringRateLimiter value) {
      limiter = Objects.requireNonNull(value, "rateLimiter");
      return this;
    }

    /**
     * How often a record is re-queued after throttling / 5xx before its future fails (default 3).
     */
    public Builder maxRetries(int value) {
      maxRetries = requireNonNegative("maxRetries", value);
      return this;
    }

    /** How often an unprocessed record is re-queued before its future fails (default 3). */
    public Builder maxUnprocessedResends(int value) {
      maxUnprocessedResends = requireNonNegative("maxUnprocessedResends", value);
      return this;
    }

    /**
     * Base backoff after a retryable error (default 500 ms, x2 per retry, x2 when throttled,
     * jittered).
     */
    public Builder retryBackoff(Duration value) {
      retryBackoff = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Base backoff before re-sending unprocessed records (default 200 ms, x2 per resend, jittered).
     */
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
