package dev.hourmeter.activities.quota;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Additive increase, multiplicative decrease of one call rate below a moving target (the worker's
 * share). A throttle signal multiplies the rate by {@code decreaseFactor} (at most once per {@code
 * holdoffNanos}: the calls of one burst answer together), never below {@code floor} (nor the
 * target; a rate already below the floor stays where it is); then the rate climbs back by {@code
 * increasePerSecond} calls/s every second, up to the target. A target lower than the rate applies
 * at once; a higher one is climbed to at the same additive pace, so a share that grows (a worker
 * left) or a worker that has just joined ramps up rather than jumps. Time is monotonic nanoseconds
 * from {@code nanoTime}. Thread-safe.
 */
final class AimdRate {

  private final double increasePerSecond;
  private final double decreaseFactor;
  private final double floor;
  private final long holdoffNanos;
  private final LongSupplier nanoTime;
  private double current;
  private long updatedAt;
  private long lastDecreaseAt;
  private boolean decreased;

  AimdRate(
      double initial,
      double increasePerSecond,
      double decreaseFactor,
      double floor,
      long holdoffNanos,
      LongSupplier nanoTime) {
    if (!(increasePerSecond > 0) || !(decreaseFactor > 0 && decreaseFactor < 1) || !(floor > 0)) {
      throw new IllegalArgumentException(
          "increase > 0, 0 < factor < 1 and floor > 0 required: "
              + increasePerSecond
              + ", "
              + decreaseFactor
              + ", "
              + floor);
    }
    this.current = Math.max(0, initial);
    this.increasePerSecond = increasePerSecond;
    this.decreaseFactor = decreaseFactor;
    this.floor = floor;
    this.holdoffNanos = holdoffNanos;
    this.nanoTime = nanoTime;
    this.updatedAt = nanoTime.getAsLong();
  }

  /** The rate now, for {@code target} (>= 0), after the additive climb since the last look. */
  synchronized double rate(double target) {
    long now = nanoTime.getAsLong();
    double seconds = Math.max(0, now - updatedAt) / (double) TimeUnit.SECONDS.toNanos(1);
    updatedAt = now;
    if (current >= target) {
      current = target;
    } else {
      current = Math.min(target, current + increasePerSecond * seconds);
    }
    return current;
  }

  /**
   * AWS throttled a call: the rate is multiplied by the decrease factor, unless it was already cut
   * less than the hold-off ago.
   *
   * @return whether the rate was cut
   */
  synchronized boolean throttled(double target) {
    rate(target);
    long now = updatedAt;
    if (decreased && now - lastDecreaseAt < holdoffNanos) {
      return false;
    }
    decreased = true;
    lastDecreaseAt = now;
    current = Math.min(current, Math.max(Math.min(floor, target), current * decreaseFactor));
    return true;
  }
}
