package dev.hourmeter.activities;

import io.temporal.activity.ActivityInfo;
import java.time.Duration;
import java.time.Instant;

/**
 * When a SubmitUsageRecords attempt stops sending ({@code sendBy}) and stops waiting for the calls
 * already made ({@code answersBy}), by this worker's clock: a margin before the first of its
 * start-to-close and schedule-to-close timeouts, half of it for the calls in flight and half for
 * the report. Ending in time, the attempt reports the answers it has (a record AWS accepted a
 * second before the window's timeout is SUCCESS, a record throttled then is certainly refused;
 * neither is of unknown fate to be looked up in CloudTrail) and none of its records is sent after
 * it (see {@code MeteringBatcher#send}).
 *
 * <p>Only durations and differences of the server's timestamps are used, never the server's clock
 * against this one (the time-skipping test server's clock is not the wall clock).
 */
record AttemptDeadline(Instant sendBy, Instant answersBy) {

  static final Duration MIN_MARGIN = Duration.ofSeconds(2);
  static final Duration MAX_MARGIN = Duration.ofSeconds(6);

  /** The deadline of the attempt described by {@code info}, started now ({@code localNow}). */
  static AttemptDeadline of(ActivityInfo info, Instant localNow) {
    return of(
        info.getStartToCloseTimeout(),
        info.getScheduleToCloseTimeout(),
        Duration.ofMillis(info.getStartedTimestamp() - info.getScheduledTimestamp()),
        localNow);
  }

  /**
   * @param startToClose the attempt's timeout from its start (zero or null: none)
   * @param scheduleToClose the activity's timeout over all attempts (zero or null: none)
   * @param sinceScheduled server time from the first attempt's scheduling to this one's start
   * @return null when neither timeout is set
   */
  static AttemptDeadline of(
      Duration startToClose, Duration scheduleToClose, Duration sinceScheduled, Instant localNow) {
    Duration left = null;
    if (set(startToClose)) {
      left = startToClose;
    }
    if (set(scheduleToClose)) {
      Duration remaining = scheduleToClose.minus(sinceScheduled);
      left = left == null || remaining.compareTo(left) < 0 ? remaining : left;
    }
    if (left == null) {
      return null;
    }
    Duration margin = left.dividedBy(20);
    margin = margin.compareTo(MIN_MARGIN) < 0 ? MIN_MARGIN : margin;
    margin = margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin;
    Duration usable = left.minus(margin);
    if (usable.isNegative()) {
      return new AttemptDeadline(localNow, localNow);
    }
    Instant sendBy = localNow.plus(usable);
    return new AttemptDeadline(sendBy, sendBy.plus(margin.dividedBy(2)));
  }

  private static boolean set(Duration timeout) {
    return timeout != null && !timeout.isZero() && !timeout.isNegative();
  }
}
