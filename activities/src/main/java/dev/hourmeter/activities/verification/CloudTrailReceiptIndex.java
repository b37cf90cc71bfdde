package dev.hourmeter.activities.verification;

import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.aws.TrailEvent;
import dev.hourmeter.activities.aws.TrailPage;
import dev.hourmeter.workflows.model.ReceiptCheck;
import dev.hourmeter.workflows.model.ReceiptCheckResult;
import dev.hourmeter.workflows.model.SentRecord;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
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
 * before the time range the index has covered — it refreshes once: single flight, so concurrent
 * callers wait for that refresh instead of starting their own, then all answer from the index. A
 * refresh pages LookupEvents ({@code EventName=BatchMeterUsage}, {@code MaxResults} 50, StartTime
 * only: no EndTime, so the worker's clock never has to agree with AWS's) from the high-water event
 * time minus {@code overlap} (default 15 min, the longest delivery delay expected), but never
 * earlier than the oldest requested {@code sentAt} minus {@code sentAtSlack} (default 5 min). So N
 * customers checking the same window cost about {@code ceil(events / 50)} calls, not N.
 *
 * <p><b>Rate limit.</b> Every LookupEvents call of this index, from any thread, passes one limiter
 * at {@code lookupsPerSecond} (default 2, AWS's per account and region limit; calls are spaced 10 %
 * wider than {@code 1 s / rate}). A throttled page is retried with the same NextToken after
 * exponential backoff (default from 1 s, up to {@code maxThrottleRetries} = 6 times), then the
 * check fails with a retryable {@code ApplicationFailure} of type {@code CloudTrailThrottled}; the
 * pages already read stay indexed.
 *
 * <p><b>Several workers.</b> The limiter is per worker (per process): N workers each running this
 * activity may together make N times {@code lookupsPerSecond} calls, and CloudTrail's 2 TPS is per
 * account and region. Either give each worker {@code --cloudtrail-tps} = 2 / N (e.g. 0.5 with four
 * workers), or route {@code VerifyReceipts} to a dedicated task queue served by a single worker.
 * Excess throttling is survived (retried pages, then activity retries) but wastes calls. Each
 * worker also pages the window for itself.
 */
public final class CloudTrailReceiptIndex {

  private static final Logger log = LoggerFactory.getLogger(CloudTrailReceiptIndex.class);
  private static final String EVENT_NAME = CloudTrailEventParser.BATCH_METER_USAGE;
  private static final int MAX_PAGES_PER_REFRESH = 10_000;

  /** Fetches one LookupEvents page: (start, maxResults, nextToken). */
  @FunctionalInterface
  public interface PageSource {
    TrailPage page(Instant start, int maxResults, String nextToken);
  }

  private record Hit(String eventId, Instant eventTime, String key) {}

  private final PageSource source;
  private final CloudTrailEventParser parser = new CloudTrailEventParser();
  private final Clock clock;
  private final Duration minRefreshInterval;
  private final Duration overlap;
  private final Duration sentAtSlack;
  private final Duration retention;
  private final int pageSize;
  private final int maxThrottleRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final LookupRateLimiter limiter;

  private final Map<String, Hit> byId = new ConcurrentHashMap<>();
  private final Map<String, Hit> byKey = new ConcurrentHashMap<>();
  private final ReentrantLock refreshLock = new ReentrantLock();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong lookupCalls = new AtomicLong();
  private final AtomicLong throttledCalls = new AtomicLong();
  private final AtomicLong refreshes = new AtomicLong();

  // Guarded by refreshLock for writes; volatile for lock-free reads.
  private volatile Instant highWater;
  private volatile Instant coveredFrom;
  private volatile Instant lastRefreshAt;
  private volatile RuntimeException lastFailure;
  private volatile long lastFailureAttempt = -1;

  /** Defaults, reading through {@code gateway}, on the system clock. */
  public CloudTrailReceiptIndex(MarketplaceGateway gateway) {
    this(builder(gateway));
  }

  private CloudTrailReceiptIndex(Builder b) {
    this.source = Objects.requireNonNull(b.source, "source");
    this.clock = b.clock;
    this.minRefreshInterval = b.minRefreshInterval;
    this.overlap = b.overlap;
    this.sentAtSlack = b.sentAtSlack;
    this.retention = b.retention;
    this.pageSize = b.pageSize;
    this.maxThrottleRetries = b.maxThrottleRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.limiter = new LookupRateLimiter(b.lookupsPerSecond);
  }

  public static Builder builder(MarketplaceGateway gateway) {
    Objects.requireNonNull(gateway, "gateway");
    return new Builder(
        (start, max, token) -> gateway.lookupEventsPage(EVENT_NAME, start, null, max, token));
  }

  public static Builder builder(PageSource source) {
    return new Builder(Objects.requireNonNull(source, "source"));
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
    List<ReceiptCheck> checks = answer(productCode, records);
    if (allFound(checks)) {
      return new ReceiptCheckResult(checks, highWater);
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
        return new ReceiptCheckResult(checks, highWater);
      }
      if (lastFailure != null && lastFailureAttempt > seenAttempts) {
        // The refresh we waited for failed: report it rather than start another one right away.
        throw lastFailure;
      }
      if (needsRefresh(requestedFrom)) {
        refresh(requestedFrom);
        checks = answer(productCode, records);
      }
    } finally {
      refreshLock.unlock();
    }
    return new ReceiptCheckResult(checks, highWater);
  }

  /** The newest event time indexed, or null. */
  public Instant highWater() {
    return highWater;
  }

  /** LookupEvents calls made (including throttled ones). */
  public long lookupCalls() {
    return lookupCalls.get();
  }

  public long throttledCalls() {
    return throttledCalls.get();
  }

  public long refreshes() {
    return refreshes.get();
  }

  /** Receipts indexed (by key). */
  public int size() {
    return byKey.size();
  }

  // ---------------------------------------------------------------- answering

  private List<ReceiptCheck> answer(String productCode, List<SentRecord> records) {
    List<ReceiptCheck> checks = new ArrayList<>(records.size());
    Instant floor = clock.instant().minus(retention);
    for (SentRecord sent : records) {
      String key = ReceiptKey.of(productCode, sent.record());
      String id = sent.meteringRecordId();
      Hit hit;
      if (id != null && !id.isBlank()) {
        hit = byId.get(id);
        if (hit != null && hit.key() != null && !hit.key().equals(key)) {
          log.warn(
              "CloudTrail event {} has MeteringRecordId {} for a different record than {}; not a receipt",
              hit.eventId(),
              id,
              sent.record().key());
          hit = null;
        }
      } else {
        hit = byKey.get(key);
      }
      if (hit != null && hit.eventTime().isBefore(floor)) {
        hit = null; // past the retention: evicted at the next refresh
      }
      checks.add(new ReceiptCheck(sent, hit != null, hit == null ? null : hit.eventId()));
    }
    return checks;
  }

  private static boolean allFound(List<ReceiptCheck> checks) {
    return checks.stream().allMatch(ReceiptCheck::found);
  }

  private Instant requestedFrom(List<SentRecord> records) {
    Instant now = clock.instant();
    Instant oldest =
        records.stream()
            .map(SentRecord::sentAt)
            .filter(Objects::nonNull)
            .min(Instant::compareTo)
            .orElse(now.minus(overlap));
    return max(oldest.minus(sentAtSlack), now.minus(retention));
  }

  private boolean needsRefresh(Instant requestedFrom) {
    Instant last = lastRefreshAt;
    if (last == null || coveredFrom == null || requestedFrom.isBefore(coveredFrom)) {
      return true;
    }
    return !clock.instant().isBefore(last.plus(minRefreshInterval));
  }

  // ---------------------------------------------------------------- refreshing (under refreshLock)

  private void refresh(Instant requestedFrom) {
    long attempt = attempts.incrementAndGet();
    Instant now = clock.instant();
    Instant floor = now.minus(retention);
    Instant hw = highWater;
    Instant covered = coveredFrom;
    Instant start =
        hw != null && covered != null && !requestedFrom.isBefore(covered)
            ? max(hw.minus(overlap), requestedFrom)
            : requestedFrom;
    start = max(start, floor);
    long started = System.nanoTime();
    int pages = 0;
    int events = 0;
    long callsBefore = lookupCalls.get();
    Instant newHigh = hw;
    try {
      String token = null;
      do {
        if (pages >= MAX_PAGES_PER_REFRESH) {
          throw ApplicationFailure.newFailure(
              "LookupEvents still returned a NextToken after " + pages + " pages",
              "PagingLimitExceeded");
        }
        TrailPage page = fetch(start, token);
        pages++;
        for (TrailEvent event : page.events()) {
          events++;
          Instant t = index(event);
          if (t != null && (newHigh == null || t.isAfter(newHigh))) {
            newHigh = t;
          }
        }
        String next = page.nextToken();
        if (next != null && next.equals(token)) {
          throw ApplicationFailure.newFailure(
              "LookupEvents returned the NextToken it was given", "PagingLimitExceeded");
        }
        token = next;
      } while (token != null);
    } catch (RuntimeException e) {
      lastFailure = e;
      lastFailureAttempt = attempt;
      log.warn(
          "CloudTrail index refresh from {} failed after {} pages: {}",
          start,
          pages,
          e.getMessage());
      throw e;
    }
    highWater = newHigh;
    coveredFrom = max(covered == null || start.isBefore(covered) ? start : covered, floor);
    lastRefreshAt = now;
    lastFailure = null;
    refreshes.incrementAndGet();
    evict(floor);
    log.info(
        "CloudTrail index refreshed from {}: {} events in {} pages, {} LookupEvents calls, {} ms; "
            + "{} receipts indexed, high water {}",
        start,
        events,
        pages,
        lookupCalls.get() - callsBefore,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        byKey.size(),
        newHigh);
  }

  private TrailPage fetch(Instant start, String token) {
    Duration backoff = initialBackoff;
    for (int retry = 0; ; retry++) {
      try {
        limiter.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure(
            "interrupted while pacing CloudTrail LookupEvents", "Interrupted");
      }
      lookupCalls.incrementAndGet();
      try {
        return source.page(start, pageSize, token);
      } catch (MarketplaceCallException e) {
        if (!e.throttled()) {
          throw e.retryable()
              ? ApplicationFailure.newFailure(e.getMessage(), e.errorType())
              : ApplicationFailure.newNonRetryableFailure(e.getMessage(), e.errorType());
        }
        throttledCalls.incrementAndGet();
        if (retry >= maxThrottleRetries) {
          throw ApplicationFailure.newFailure(
              "CloudTrail LookupEvents still throttled after "
                  + (retry + 1)
                  + " attempts of one page: "
                  + e.detail(),
              "CloudTrailThrottled");
        }
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, backoff.toMillis() / 4));
        log.debug(
            "LookupEvents throttled; retrying the page in {} ms", backoff.toMillis() + jitter);
        sleep(backoff.toMillis() + jitter);
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(maxBackoff) > 0) {
          backoff = maxBackoff;
        }
      }
    }
  }

  /**
   * Indexes the Success receipts of one event; returns its event time (for the high-water mark).
   */
  private Instant index(TrailEvent event) {
    List<TrailReceipt> receipts = parser.parse(event);
    Instant eventTime = event.eventTime();
    for (TrailReceipt r : receipts) {
      if (eventTime == null) {
        eventTime = r.eventTime();
      }
      if (!r.success()) {
        continue;
      }
      Instant t = r.eventTime() != null ? r.eventTime() : clock.instant();
      String key = r.key();
      Hit hit = new Hit(r.eventId(), t, key);
      if (r.meteringRecordId() != null) {
        byId.putIfAbsent(r.meteringRecordId(), hit);
      }
      if (key != null) {
        byKey.putIfAbsent(key, hit);
      }
    }
    return eventTime;
  }

  private void evict(Instant floor) {
    byId.values().removeIf(h -> h.eventTime().isBefore(floor));
    byKey.values().removeIf(h -> h.eventTime().isBefore(floor));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "interrupted while backing off CloudTrail LookupEvents", "Interrupted");
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Knobs, all optional. */
  public static final class Builder {
    private final PageSource source;
    private Clock clock = Clock.systemUTC();
    private double lookupsPerSecond = 2.0;
    private Duration minRefreshInterval = Duration.ofSeconds(60);
    private Duration overlap = Duration.ofMinutes(15);
    private Duration sentAtSlack = Duration.ofMinutes(5);
    private Duration retention = Duration.ofHours(12);
    private int pageSize = MarketplaceGateway.MAX_TRAIL_PAGE_SIZE;
    private int maxThrottleRetries = 6;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(16);

    private Builder(PageSource source) {
      this.source = source;
    }

    /**
     * The index's "now" (refresh interval, retention, default start); give it AWS's / the
     * simulator's clock.
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** LookupEvents calls per second for this worker (default 2; use 2 / number of workers). */
    public Builder lookupsPerSecond(double value) {
      if (!(value > 0)) {
        throw new IllegalArgumentException("lookupsPerSecond must be positive: " + value);
      }
      this.lookupsPerSecond = value;
      return this;
    }

    public Builder minRefreshInterval(Duration value) {
      this.minRefreshInterval = nonNegative(value, "minRefreshInterval");
      return this;
    }

    /**
     * How far before the high-water event time a refresh starts: the longest delivery delay
     * expected.
     */
    public Builder overlap(Duration value) {
      this.overlap = nonNegative(value, "overlap");
      return this;
    }

    /**
     * How far before the oldest requested sentAt a refresh may start (event time precedes sentAt).
     */
    public Builder sentAtSlack(Duration value) {
      this.sentAtSlack = nonNegative(value, "sentAtSlack");
      return this;
    }

    public Builder retention(Duration value) {
      this.retention = nonNegative(value, "retention");
      return this;
    }

    /** LookupEvents MaxResults, 1..50 (default 50). */
    public Builder pageSize(int value) {
      if (value < 1 || value > MarketplaceGateway.MAX_TRAIL_PAGE_SIZE) {
        throw new IllegalArgumentException(
            "pageSize must be 1.." + MarketplaceGateway.MAX_TRAIL_PAGE_SIZE);
      }
      this.pageSize = value;
      return this;
    }

    public Builder maxThrottleRetries(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxThrottleRetries must be >= 0");
      }
      this.maxThrottleRetries = value;
      return this;
    }

    public Builder throttleBackoff(Duration initial, Duration max) {
      this.initialBackoff = nonNegative(initial, "initial backoff");
      this.maxBackoff = nonNegative(max, "max backoff");
      return this;
    }

    public CloudTrailReceiptIndex build() {
      return new CloudTrailReceiptIndex(this);
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative");
      }
      return d;
    }
  }
}
