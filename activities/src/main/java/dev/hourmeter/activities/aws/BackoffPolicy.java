package dev.hourmeter.activities.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one backoff formula hourmeter uses before asking AWS again (re-queued or re-sent metering
 * records, the throttled activity's next retry delay, throttled CloudTrail pages): retry {@code n}
 * (0 = the first retry) waits {@code initial * 2^n}, capped at {@code max}, multiplied by a random
 * factor in {@code [1 - jitter, 1 + jitter)} (so that many waiters spread out) and capped at {@code
 * max} again. {@code jitter} 0 gives the plain doubling sequence.
 */
public record BackoffPolicy(Duration initial, Duration max, double jitter) {

  public BackoffPolicy {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || max.isNegative()) {
      throw new IllegalArgumentException("backoff durations must be >= 0: " + initial + ", " + max);
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
    }
  }

  /** Doubling from {@code initial} up to {@code max}, without jitter. */
  public static BackoffPolicy doubling(Duration initial, Duration max) {
    return new BackoffPolicy(initial, max, 0);
  }

  /** This policy with {@code value} as its jitter. */
  public BackoffPolicy withJitter(double value) {
    return new BackoffPolicy(initial, max, value);
  }

  /** The wait before retry {@code retry} (0-based; negative counts as 0). */
  public Duration delay(int retry) {
    return delay(retry, jitter == 0 ? 0.5 : ThreadLocalRandom.current().nextDouble());
  }

  /**
   * As {@link #delay(int)} with the random draw given: {@code random} in {@code [0, 1)} maps to the
   * factor {@code 1 + jitter * (2 * random - 1)} (0.5: no jitter).
   */
  Duration delay(int retry, double random) {
    long capNanos = max.toNanos();
    long nanos = Math.min(initial.toNanos(), capNanos);
    for (int i = 0; i < retry && nanos < capNanos; i++) {
      nanos = nanos > capNanos / 2 ? capNanos : nanos * 2;
    }
    double factor = 1 + jitter * (2 * random - 1);
    return Duration.ofNanos(Math.min(capNanos, (long) (nanos * factor)));
  }
}
