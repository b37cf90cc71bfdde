package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.checkpoint.BacklogPeriod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which periods are closed but not submitted yet (oldest first), and which period closes next. A
 * period closes {@code grace} after it ends, plus the customer's offset in the close spread once
 * the run took it ({@link #spreadCloses}; zero until then, the close of a run from before the
 * spread).
 */
public final class PeriodBacklog {

  private final PeriodCalendar calendar;
  private final Duration grace;
  private Duration closeOffset = Duration.ZERO;
  private final List<BacklogPeriod> periods = new ArrayList<>();
  private Instant nextPeriodToClose;
  private int closedThisRun;

  /** The last period to close (an agreement handed over after it), null while unbounded. */
  private Instant lastPeriod;

  PeriodBacklog(
      PeriodCalendar calendar,
      Duration grace,
      Instant nextPeriodToClose,
      List<BacklogPeriod> restored) {
    this.calendar = calendar;
    this.grace = grace;
    this.nextPeriodToClose = nextPeriodToClose;
    periods.addAll(restored);
  }

  public Instant nextPeriodToClose() {
    return nextPeriodToClose;
  }

  Instant nextCloseAt() {
    return calendar.next(nextPeriodToClose).plus(grace).plus(closeOffset);
  }

  /** From now on every period closes {@code offset} later than its end plus grace. */
  void spreadCloses(Duration offset) {
    closeOffset = offset;
  }

  /** Moves every period whose close time has come to the backlog. */
  void closeEnded(Instant now) {
    while (!nextCloseAt().isAfter(now) && !pastLastPeriod()) {
      periods.add(new BacklogPeriod(nextPeriodToClose, false));
      nextPeriodToClose = calendar.next(nextPeriodToClose);
      closedThisRun++;
    }
  }

  /** Unsubscribe: closes every period up to and including {@code current} now. */
  void closeThrough(Instant current) {
    while (!nextPeriodToClose.isAfter(current) && !pastLastPeriod()) {
      periods.add(new BacklogPeriod(nextPeriodToClose, false));
      nextPeriodToClose = calendar.next(nextPeriodToClose);
    }
  }

  /**
   * No period after {@code last} is ever closed (its agreement was handed over to a successor,
   * which bills the later ones); the close timer still fires at each later close, to retry a
   * backlog.
   */
  void closeNothingAfter(Instant last) {
    lastPeriod = last;
  }

  /** Whether every period up to the last one was closed (false while unbounded). */
  public boolean pastLastPeriod() {
    return lastPeriod != null && nextPeriodToClose.isAfter(lastPeriod);
  }

  public List<BacklogPeriod> periods() {
    return Collections.unmodifiableList(periods);
  }

  public boolean isEmpty() {
    return periods.isEmpty();
  }

  public BacklogPeriod oldest() {
    return periods.get(0);
  }

  public void markCollected(int index) {
    periods.set(index, periods.get(index).collected());
  }

  public BacklogPeriod removeOldest() {
    return periods.remove(0);
  }

  /** Periods closed by this run (continue-as-new starts counting again). */
  public int closedThisRun() {
    return closedThisRun;
  }
}
