package dev.hourmeter.activities.verification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One refresh of {@link CloudTrailReceiptIndex}: reads the window from {@link
 * WindowCoverage#refreshStart} through the {@link TrailWindowReader} into the {@link ReceiptStore},
 * evicts receipts past the retention and moves the {@link WindowCoverage} on. Called under the
 * index's refresh lock (one refresh at a time); {@link #coverage()} may be read by any thread.
 */
final class WindowRefresher {

  private static final Logger log = LoggerFactory.getLogger(WindowRefresher.class);

  private final TrailWindowReader reader;
  private final ReceiptStore store;
  private final Clock clock;
  private final Duration overlap;
  private final Duration retention;
  private final AtomicLong refreshes = new AtomicLong();
  private volatile WindowCoverage coverage = WindowCoverage.NONE;

  WindowRefresher(
      TrailWindowReader reader,
      ReceiptStore store,
      Clock clock,
      Duration overlap,
      Duration retention) {
    this.reader = reader;
    this.store = store;
    this.clock = clock;
    this.overlap = overlap;
    this.retention = retention;
  }

  WindowCoverage coverage() {
    return coverage;
  }

  long refreshes() {
    return refreshes.get();
  }

  /**
   * Refreshes for records sent from {@code requestedFrom} on. This runs on the activity thread of
   * the check that started it, but serves every check waiting for it: the log lines name that
   * check's product and customers ({@code requestedBy}).
   *
   * @throws RuntimeException the reader's failure (pages read so far stay indexed)
   */
  void refresh(Instant requestedFrom, String requestedBy) {
    Instant now = clock.instant();
    Instant floor = now.minus(retention);
    WindowCoverage before = coverage;
    Instant start = before.refreshStart(requestedFrom, overlap, floor);
    long started = System.nanoTime();
    long callsBefore = reader.lookupCalls();
    int[] pages = {0};
    int[] events = {0};
    Instant[] newHigh = {before.highWater()};
    try {
      reader.read(
          start,
          page -> {
            pages[0]++;
            events[0] += page.events().size();
            newHigh[0] = store.index(page, clock.instant(), newHigh[0]);
          });
    } catch (RuntimeException e) {
      log.warn(
          "CloudTrail index refresh from {} (for product {}) failed after {} pages: {}",
          start,
          requestedBy,
          pages[0],
          e.getMessage());
      throw e;
    }
    coverage = before.refreshed(start, newHigh[0], floor, now);
    refreshes.incrementAndGet();
    store.evict(floor);
    log.info(
        "CloudTrail index refreshed from {} (for product {}): {} events in {} pages, "
            + "{} LookupEvents calls, {} ms; {} receipts indexed, high water {}",
        start,
        requestedBy,
        events[0],
        pages[0],
        reader.lookupCalls() - callsBefore,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        store.size(),
        newHigh[0]);
  }
}
