package dev.hourmeter.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The simulator's notion of "now" and of AWS's metering hour (the period). Periods are aligned to
 * the Unix epoch, like AWS hours are.
 */
public final class SimulatorClock {

  private final Supplier<Instant> source;
  private final Duration period;
  private final long periodMillis;

  public SimulatorClock(Supplier<Instant> source, Duration period) {
    this.source = Objects.requireNonNull(source, "source");
    this.period = Objects.requireNonNull(period, "period");
    this.periodMillis = period.toMillis();
    if (periodMillis <= 0) {
      throw new IllegalArgumentException("period must be at least 1ms: " + period);
    }
  }

  public static SimulatorClock of(Clock clock, Duration period) {
    return new SimulatorClock(clock::instant, period);
  }

  public Instant now() {
    return Objects.requireNonNull(source.get(), "clock returned null");
  }

  public Duration period() {
    return period;
  }

  /** Start of the period containing {@code instant}. */
  public Instant periodStart(Instant instant) {
    long millis = instant.toEpochMilli();
    return Instant.ofEpochMilli(Math.floorDiv(millis, periodMillis) * periodMillis);
  }
}
