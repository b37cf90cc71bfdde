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
   * Whether a miss of records sent at {@code newestSentAt} cannot be trusted yet: the last refresh
   * happened before halfway from that send to {@code now}. A check comes at least the workflow's
   * verify delay after the send (PT30M for hourly periods, period/2 for shorter ones), so with
   * hourly periods the {@code minRefreshInterval} rule is always fresher than that; with periods of
   * seconds it is not, and an index read before a late call was billed would answer "not found" for
   * a record AWS did bill (the workflow then carries its usage: billed twice).
   */
  boolean staleFor(Instant newestSentAt, Instant now) {
    if (lastRefreshAt == null) {
      return true;
    }
    Instant halfway = newestSentAt.plus(Duration.between(newestSentAt, now).dividedBy(2));
    return lastRefreshAt.isBefore(halfway);
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
