package dev.hourmeter.workflows.state;

import java.time.Duration;
import java.time.Instant;

/**
 * Period arithmetic aligned to the wall clock: periods start at multiples of the period since the
 * epoch (UTC).
 */
public record PeriodCalendar(Duration period) {

  public Instant periodStartOf(Instant instant) {
    long size = period.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(instant.toEpochMilli(), size) * size);
  }

  public Instant next(Instant periodStart) {
    return periodStart.plus(period);
  }

  public Instant previous(Instant periodStart) {
    return periodStart.minus(period);
  }
}
