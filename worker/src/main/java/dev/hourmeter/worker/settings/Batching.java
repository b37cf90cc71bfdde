package dev.hourmeter.worker.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * How SubmitUsageRecords sends records. {@code enabled}: records of concurrent activities of one
 * product share BatchMeterUsage calls (up to 25 records); off = one activity's records per call,
 * the baseline. {@code linger}: how long the oldest queued record waits for its batch to fill.
 * {@code meteringTps}: BatchMeterUsage calls per second for this worker (AWS allows 10 per account
 * and region: give each of N workers 10/N).
 */
public record Batching(boolean enabled, Duration linger, double meteringTps) {

  public static final Duration DEFAULT_LINGER = Duration.ofSeconds(1);
  public static final double DEFAULT_METERING_TPS = 10.0;

  public Batching {
    Objects.requireNonNull(linger, "linger");
    if (linger.isNegative()) {
      throw new IllegalArgumentException("linger must be >= 0: " + linger);
    }
    if (!(meteringTps > 0) || Double.isInfinite(meteringTps)) {
      throw new IllegalArgumentException("meteringTps must be > 0: " + meteringTps);
    }
  }

  /** On, linger 1 s, 10 calls/s. */
  public static Batching defaults() {
    return new Batching(true, DEFAULT_LINGER, DEFAULT_METERING_TPS);
  }

  @Override
  public String toString() {
    return enabled
        ? "batching=on linger=" + linger + " meteringTps=" + meteringTps
        : "batching=off";
  }
}
