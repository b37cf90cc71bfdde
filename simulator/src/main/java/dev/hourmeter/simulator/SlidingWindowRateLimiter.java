package dev.hourmeter.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * Admits at most {@code permitsPerSecond} requests in any sliding one-second window of real
 * (monotonic) time. Rejected requests do not consume a permit. {@code permitsPerSecond == 0}
 * disables the limit.
 */
final class SlidingWindowRateLimiter {

  private static final long WINDOW_NANOS = 1_000_000_000L;

  private final int permitsPerSecond;
  private final LongSupplier nanoTime;
  private final Deque<Long> admitted = new ArrayDeque<>();

  SlidingWindowRateLimiter(int permitsPerSecond, LongSupplier nanoTime) {
    if (permitsPerSecond < 0) {
      throw new IllegalArgumentException("permitsPerSecond must be >= 0: " + permitsPerSecond);
    }
    this.permitsPerSecond = permitsPerSecond;
    this.nanoTime = nanoTime;
  }

  synchronized boolean tryAcquire() {
    if (permitsPerSecond == 0) {
      return true;
    }
    long now = nanoTime.getAsLong();
    while (!admitted.isEmpty() && now - admitted.peekFirst() >= WINDOW_NANOS) {
      admitted.pollFirst();
    }
    if (admitted.size() >= permitsPerSecond) {
      return false;
    }
    admitted.addLast(now);
    return true;
  }

  synchronized void reset() {
    admitted.clear();
  }
}
