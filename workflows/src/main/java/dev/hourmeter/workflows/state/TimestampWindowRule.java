package dev.hourmeter.workflows.state;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * The last moment a period's records can still be sent: AWS accepts a usage record only while its
 * timestamp (the period's start) is less than {@code window} old, and records of a calendar month
 * (UTC) only until 06:00 UTC on the 1st of the next month. The deadline is the earlier of the two,
 * less {@code safety}.
 *
 * @param window how long after its timestamp AWS accepts a record
 * @param safety stop trying this long before AWS would refuse the record
 */
public record TimestampWindowRule(Duration window, Duration safety) {

  /** How long into a new month (UTC) AWS still accepts records of the previous month. */
  public static final Duration MONTH_END_GRACE = Duration.ofHours(6);

  public TimestampWindowRule {
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window: must be positive, got " + window);
    }
    if (safety == null || safety.isNegative()) {
      throw new IllegalArgumentException("safety: must not be negative, got " + safety);
    }
  }

  /** The last moment a record stamped {@code periodStart} can still be sent. */
  public Instant deadline(Instant periodStart) {
    Instant refusedFrom = periodStart.plus(window);
    Instant cutoff = monthEndCutoff(periodStart);
    if (cutoff.isBefore(refusedFrom)) {
      refusedFrom = cutoff;
    }
    return refusedFrom.minus(safety);
  }

  /** From this moment AWS refuses records stamped {@code timestamp}: 06:00 UTC on the next 1st. */
  public static Instant monthEndCutoff(Instant timestamp) {
    return YearMonth.from(timestamp.atOffset(ZoneOffset.UTC))
        .plusMonths(1)
        .atDay(1)
        .atStartOfDay()
        .toInstant(ZoneOffset.UTC)
        .plus(MONTH_END_GRACE);
  }
}
