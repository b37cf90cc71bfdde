package dev.hourmeter.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Which usage-record timestamps AWS accepts now: less than {@code window} old (AWS: "usage records
 * aren't accepted 24 hours or more after an event"), not later than now plus the future skew, and
 * never for a past calendar month once its grace has run out: records of a month are accepted only
 * until 06:00 UTC on the 1st of the next month.
 */
final class TimestampWindow {

  /** How long into a new month (UTC) records of the previous month are still accepted. */
  static final Duration MONTH_END_GRACE = Duration.ofHours(6);

  private final Duration window;
  private final Duration futureSkew;

  TimestampWindow(Duration window, Duration futureSkew) {
    this.window = window;
    this.futureSkew = futureSkew;
  }

  static TimestampWindow of(SimulatorConfig config) {
    return new TimestampWindow(config.window(), config.effectiveFutureSkew());
  }

  /** Why {@code timestamp} is refused at {@code now}, or empty when it is accepted. */
  Optional<String> refusal(Instant timestamp, Instant now) {
    Instant tooOld = now.minus(window);
    Instant newest = now.plus(futureSkew);
    if (!timestamp.isAfter(tooOld) || timestamp.isAfter(newest)) {
      return Optional.of(
          "timestamp "
              + timestamp
              + " is outside the allowed range (after "
              + tooOld
              + ", up to "
              + newest
              + "]");
    }
    Instant monthStart =
        YearMonth.from(now.atOffset(ZoneOffset.UTC))
            .atDay(1)
            .atStartOfDay()
            .toInstant(ZoneOffset.UTC);
    Instant cutoff = monthStart.plus(MONTH_END_GRACE);
    if (timestamp.isBefore(monthStart) && !now.isBefore(cutoff)) {
      return Optional.of(
          "timestamp "
              + timestamp
              + " belongs to "
              + YearMonth.from(timestamp.atOffset(ZoneOffset.UTC))
              + ", whose records were accepted only until "
              + cutoff);
    }
    return Optional.empty();
  }
}
