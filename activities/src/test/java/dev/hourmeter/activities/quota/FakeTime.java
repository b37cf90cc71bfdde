package dev.hourmeter.activities.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** One fake time for the tests: monotonic nanoseconds and a wall clock that move together. */
final class FakeTime extends Clock {

  private static final Instant EPOCH = Instant.parse("2026-12-07T20:00:00Z");
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  long nanoTime() {
    return nanos.get();
  }

  void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  void advanceSeconds(double seconds) {
    nanos.addAndGet((long) (seconds * 1e9));
  }

  @Override
  public Instant instant() {
    return EPOCH.plusNanos(nanos.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
