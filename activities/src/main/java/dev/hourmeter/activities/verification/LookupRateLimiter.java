package dev.hourmeter.activities.verification;

import dev.hourmeter.activities.quota.RateSource;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces calls in real (monotonic) time, across every thread that shares the instance, at the rate a
 * {@link RateSource} gives at each permit (fixed, or the worker's share of LookupEvents' 2 calls
 * per second): a token bucket of capacity one, i.e. consecutive permits are at least {@code 1 s /
 * rate} apart, stretched by a 10 % guard so that network jitter cannot put more than {@code rate}
 * requests into any one-second window at the server. A rate of 0 holds every permit until it rises.
 * Waiting threads sleep outside the lock; the order of reservation is the order of service.
 */
final class LookupRateLimiter {

  private static final double GUARD = 1.10;
  private static final long HOLD_POLL_MILLIS = 200;

  private final RateSource rate;
  private final LongSupplier nanoTime;
  private long nextFreeNanos;
  private boolean used;

  LookupRateLimiter(double permitsPerSecond) {
    this(RateSource.fixed(permitsPerSecond), System::nanoTime);
  }

  LookupRateLimiter(RateSource rate) {
    this(rate, System::nanoTime);
  }

  LookupRateLimiter(double permitsPerSecond, LongSupplier nanoTime) {
    this(RateSource.fixed(permitsPerSecond), nanoTime);
  }

  LookupRateLimiter(RateSource rate, LongSupplier nanoTime) {
    this.rate = Objects.requireNonNull(rate, "rate");
    this.nanoTime = nanoTime;
  }

  /** Blocks until this caller may make one call. */
  void acquire() throws InterruptedException {
    long waitNanos;
    while ((waitNanos = reserve()) < 0) {
      Thread.sleep(HOLD_POLL_MILLIS);
    }
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }

  /** Reserves the next permit: how long to wait for it, or -1 (nothing reserved) while held. */
  synchronized long reserve() {
    double permitsPerSecond = rate.callsPerSecond();
    if (!(permitsPerSecond > 0)) {
      return -1;
    }
    long now = nanoTime.getAsLong();
    long at = !used || now - nextFreeNanos > 0 ? now : nextFreeNanos;
    used = true;
    nextFreeNanos = at + intervalNanos(permitsPerSecond);
    return at - now;
  }

  /** The spacing at the rate now (0 while held). */
  long intervalNanos() {
    double permitsPerSecond = rate.callsPerSecond();
    return permitsPerSecond > 0 ? intervalNanos(permitsPerSecond) : 0;
  }

  private static long intervalNanos(double permitsPerSecond) {
    return (long) Math.ceil(TimeUnit.SECONDS.toNanos(1) * GUARD / permitsPerSecond);
  }
}
