package dev.hourmeter.activities.verification;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces calls to at most {@code permitsPerSecond} in real (monotonic) time, across every thread
 * that shares the instance: a token bucket of capacity one, i.e. consecutive permits are at least
 * {@code 1 s / rate} apart, stretched by a 10 % guard so that network jitter cannot put more than
 * {@code rate} requests into any one-second window at the server. Waiting threads sleep outside the
 * lock; the order of reservation is the order of service.
 */
final class LookupRateLimiter {

  private static final double GUARD = 1.10;

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private long nextFreeNanos;
  private boolean used;

  LookupRateLimiter(double permitsPerSecond) {
    this(permitsPerSecond, System::nanoTime);
  }

  LookupRateLimiter(double permitsPerSecond, LongSupplier nanoTime) {
    if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
      throw new IllegalArgumentException("permitsPerSecond must be positive: " + permitsPerSecond);
    }
    this.intervalNanos = (long) Math.ceil(TimeUnit.SECONDS.toNanos(1) * GUARD / permitsPerSecond);
    this.nanoTime = nanoTime;
  }

  /** Blocks until this caller may make one call. */
  void acquire() throws InterruptedException {
    long waitNanos;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      long at = !used || now - nextFreeNanos > 0 ? now : nextFreeNanos;
      used = true;
      nextFreeNanos = at + intervalNanos;
      waitNanos = at - now;
    }
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }

  long intervalNanos() {
    return intervalNanos;
  }
}
