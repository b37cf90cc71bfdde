package dev.hourmeter.activities.verification;

import java.time.Duration;
import java.time.Instant;

/**
 * What {@link CloudTrailReceiptIndex} has read so far: the newest event time seen ({@code
 * highWater}), the oldest window start read and still within the retention ({@code coveredFrom}),
 * and when it last refreshed; all null before the first refresh. Immutable: decides whether a check
 * needs a refresh and from where that refresh reads.
 */
record WindowCoverage(Instant highWater, Instant coveredFrom, Instant lastRefreshAt) {

  static final WindowCoverage NONE = new WindowCoverage(null, null, null);

  /**
   * A refresh is needed when nothing was read yet, when the records were sent before the covered
   * range, or when the last refresh is at least {@code minRefreshInterval} old.
   */
  boolean needsRefresh(Instant requestedFrom, Instant now, Duration minRefreshInterval) {
    if (lastRefreshAt == null || coveredFrom == null || requestedFrom.isBefore(coveredFrom)) {
      return true;
    }
    return !now.isBefore(lastRefreshAt.plus(minRefreshInterval));
  }

  /**
   * Whether the index was last read before {@code instant} (or never): a miss of a record of
   * unknown fate found in such an index may be stale.
   */
  boolean readBefore(Instant instant) {
    return lastRefreshAt == null || lastRefreshAt.isBefore(instant);
  }

  /**
   * Where the next refresh starts: the high-water mark minus {@code overlap} (never before {@code
   * requestedFrom}) when the requested range is covered, else {@code requestedFrom}; never before
   * the retention {@code floor}.
   */
  Instant refreshStart(Instant requestedFrom, Duration overlap, Instant floor) {
    Instant start =
        highWater != null && coveredFrom != null && !requestedFrom.isBefore(coveredFrom)
            ? max(highWater.minus(overlap), requestedFrom)
            : requestedFrom;
    return max(start, floor);
  }

  /** The coverage after a refresh that read from {@code start} at {@code now}. */
  WindowCoverage refreshed(Instant start, Instant newHighWater, Instant floor, Instant now) {
    Instant from = coveredFrom == null || start.isBefore(coveredFrom) ? start : coveredFrom;
    return new WindowCoverage(newHighWater, max(from, floor), now);
  }

  static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
