package dev.hourmeter.activities.verification;

import dev.hourmeter.activities.aws.BackoffPolicy;
import dev.hourmeter.activities.aws.CloudTrailService;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.aws.TrailPage;
import dev.hourmeter.workflows.model.activity.ReceiptCheck;
import dev.hourmeter.workflows.model.activity.ReceiptCheckResult;
import dev.hourmeter.workflows.model.activity.SentRecord;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker-wide, rate-limited, in-memory index of CloudTrail {@code BatchMeterUsage} events, from
 * which every customer's receipt check is answered. Create ONE per worker and share it among all
 * activity threads (thread-safe).
 *
 * <p><b>Index.</b> Every result with status {@code Success} of every event is kept by {@code
 * meteringRecordId} and by (product, customer id value, dimension, period timestamp to the second,
 * quantity), until its event is older than {@code retention} (default 12 h) on the index clock.
 *
 * <p><b>Refresh.</b> {@link #check} answers from the index. When some records are missing and the
 * last refresh is at least {@code minRefreshInterval} old (default 60 s) — or the records were sent
 * before the time range the index has covered, or a missing record is of unknown fate (no {@code
 * meteringRecordId}) and the index was last read before this check arrived — it refreshes once:
 * single flight, so concurrent callers wait for that refresh instead of starting their own, then
 * all answer from the index. A refresh pages LookupEvents ({@code EventName=BatchMeterUsage},
 * {@code MaxResults} 50, StartTime only: no EndTime, so the worker's clock never has to agree with
 * AWS's) from the high-water event time minus {@code overlap} (default 15 min, the longest delivery
 * delay expected), but never earlier than the oldest requested {@code sentAt} minus {@code
 * sentAtSlack} (default 5 min). So N customers checking the same window cost about {@code
 * ceil(events / 50)} calls, not N.
 *
 * <p><b>Rate limit.</b> Every LookupEvents call of this index, from any thread, passes one limiter
 * at {@code lookupsPerSecond} (default 2, AWS's per account and region limit) or at the worker's
 * share of it ({@code lookupRate}); calls are spaced 10 % wider than {@code 1 s / rate}. A
 * throttled page is retried with the same NextToken after exponential backoff (default from 1 s
 * doubling up to 16 s, +-25 %, up to {@code maxThrottleRetries} = 6 times), then the check fails
 * with a retryable {@code ApplicationFailure} of type {@code CloudTrailThrottled}; the pages
 * already read stay indexed.
 *
 * <p><b>Several workers.</b> The limiter is per worker (per process) and CloudTrail's 2 TPS is per
 * account and region: with fleet sharing the worker's rate is its share of the 2 calls/s among the
 * live workers, cut after throttling ({@link dev.hourmeter.activities.quota.SharedQuota}). Below
 * one call per second per worker (three workers or more) the shares hold on average, and two
 * workers' calls may still meet in one second: throttling is survived (retried pages, then activity
 * retries) but wastes calls. Each worker also pages the window for itself.
 *
 * <p>Jobs: {@link ReceiptStore} holds and matches the receipts, {@link TrailWindowReader} pages
 * LookupEvents through the {@link LookupRateLimiter}, {@link WindowRefresher} reads a window into
 * the store and tracks the {@link WindowCoverage}; {@link CloudTrailReceiptIndexBuilder} holds the
 * knobs; this class answers checks and decides when to refresh, single flight.
 */
public final class CloudTrailReceiptIndex {

  private static final Logger log = LoggerFactory.getLogger(CloudTrailReceiptIndex.class);
  private static final String EVENT_NAME = CloudTrailEventParser.BATCH_METER_USAGE;

  /** Jitter of the throttled-page backoff. */
  private static final double THROTTLE_JITTER = 0.25;

  /** Fetches one LookupEvents page: (start, maxResults, nextToken). */
  @FunctionalInterface
  public interface PageSource {
    TrailPage page(Instant start, int maxResults, String nextToken);
  }

  private final ReceiptStore store = new ReceiptStore();
  private final TrailWindowReader reader;
  private final WindowRefresher refresher;
  private final Clock clock;
  private final Duration minRefreshInterval;
  private final Duration overlap;
  private final Duration sentAtSlack;
  private final Duration retention;

  private final ReentrantLock refreshLock = new ReentrantLock();
  private final AtomicLong attempts = new AtomicLong();

  // Guarded by refreshLock for writes; volatile for lock-free reads.
  private volatile RuntimeException lastFailure;
  private volatile long lastFailureAttempt = -1;

  /** Defaults, reading through {@code gateway}, on the system clock. */
  public CloudTrailReceiptIndex(MarketplaceGateway gateway) {
    this(builder(gateway));
  }

  CloudTrailReceiptIndex(CloudTrailReceiptIndexBuilder b) {
    this.reader =
        new TrailWindowReader(
            Objects.requireNonNull(b.source, "source"),
            new LookupRateLimiter(b.lookupRate),
            b.pageSize,
            b.maxThrottleRetries,
            new BackoffPolicy(b.initialBackoff, b.maxBackoff, THROTTLE_JITTER));
    this.clock = b.clock;
    this.minRefreshInterval = b.minRefreshInterval;
    this.overlap = b.overlap;
    this.sentAtSlack = b.sentAtSlack;
    this.retention = b.retention;
    this.refresher = new WindowRefresher(reader, store, clock, overlap, retention);
  }

  public static CloudTrailReceiptIndexBuilder builder(MarketplaceGateway gateway) {
    CloudTrailService cloudTrail = Objects.requireNonNull(gateway, "gateway").cloudTrail();
    return new CloudTrailReceiptIndexBuilder(
        (start, max, token) -> cloudTrail.lookupEventsPage(EVENT_NAME, start, null, max, token));
  }

  public static CloudTrailReceiptIndexBuilder builder(PageSource source) {
    return new CloudTrailReceiptIndexBuilder(Objects.requireNonNull(source, "source"));
  }

  /**
   * One {@link ReceiptCheck} per record, in order: found when a {@code Success} result with the
   * record's {@code meteringRecordId} (if it has one; the event's key must then agree) or else its
   * key is indexed. May refresh the index first (see the class comment); {@code indexedThrough} is
   * the high-water event time (null until an event was seen).
   *
   * @throws ApplicationFailure {@code CloudTrailThrottled} (retryable) when throttling outlasts the
   *     retries, or the classified AWS error type when LookupEvents fails otherwise
   */
  public ReceiptCheckResult check(String productCode, List<SentRecord> records) {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(records, "records");
    Instant arrived = clock.instant();
    List<ReceiptCheck> checks = answer(productCode, records);
    if (allFound(checks)) {
      return new ReceiptCheckResult(checks, refresher.coverage().highWater());
    }
    Instant requestedFrom = requestedFrom(records);
    long seenAttempts = attempts.get();
    try {
      refreshLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "interrupted while waiting for the CloudTrail index", "Interrupted");
    }
    try {
      checks = answer(productCode, records);
      if (allFound(checks)) {
        return new ReceiptCheckResult(checks, refresher.coverage().highWater());
      }
      if (lastFailure != null && lastFailureAttempt > seenAttempts) {
        // The refresh we waited for failed: report it rather than start another one right away.
        throw lastFailure;
      }
      // A miss of a record of unknown fate moves its usage to a later period: it must come from
      // a read made after the look was asked for, never from an older one (minRefreshInterval is
      // 60 s; with periods of seconds the look comes a few seconds after a late attempt billed it,
      // and an older index would bill it twice).
      if (refresher.coverage().needsRefresh(requestedFrom, clock.instant(), minRefreshInterval)
          || (unknownFateMissing(checks) && refresher.coverage().readBefore(arrived))) {
        refresh(requestedFrom, productCode, records);
        checks = answer(productCode, records);
      }
    } finally {
      refreshLock.unlock();
    }
    return new ReceiptCheckResult(checks, refresher.coverage().highWater());
  }

  /** The newest event time indexed, or null. */
  public Instant highWater() {
    return refresher.coverage().highWater();
  }

  /** LookupEvents calls made (including throttled ones). */
  public long lookupCalls() {
    return reader.lookupCalls();
  }

  public long throttledCalls() {
    return reader.throttledCalls();
  }

  public long refreshes() {
    return refresher.refreshes();
  }

  /** Receipts indexed (by key). */
  public int size() {
    return store.size();
  }

  private List<ReceiptCheck> answer(String productCode, List<SentRecord> records) {
    return store.answer(productCode, records, clock.instant().minus(retention));
  }

  private static boolean allFound(List<ReceiptCheck> checks) {
    return checks.stream().allMatch(ReceiptCheck::found);
  }

  /**
   * Whether a record not found is of unknown fate: the workflow looks for those once, without a
   * MeteringRecordId, and carries their usage when CloudTrail does not show them.
   */
  private static boolean unknownFateMissing(List<ReceiptCheck> checks) {
    return checks.stream().anyMatch(c -> !c.found() && c.sent().meteringRecordId() == null);
  }

  private Instant requestedFrom(List<SentRecord> records) {
    Instant now = clock.instant();
    Instant oldest =
        records.stream()
            .map(SentRecord::sentAt)
            .filter(Objects::nonNull)
            .min(Instant::compareTo)
            .orElse(now.minus(overlap));
    return WindowCoverage.max(oldest.minus(sentAtSlack), now.minus(retention));
  }

  /**
   * One refresh, single flight under refreshLock; a failure is kept for the callers that waited.
   */
  private void refresh(Instant requestedFrom, String productCode, List<SentRecord> records) {
    long attempt = attempts.incrementAndGet();
    try {
      refresher.refresh(requestedFrom, productCode + " customers " + customers(records));
      lastFailure = null;
    } catch (RuntimeException e) {
      lastFailure = e;
      lastFailureAttempt = attempt;
      throw e;
    }
  }

  private static String customers(List<SentRecord> records) {
    return records.stream()
        .map(r -> r.record().customer().value())
        .distinct()
        .collect(Collectors.joining(","));
  }
}
