package dev.hourmeter.activities.verification;

import dev.hourmeter.simulator.MutableClock;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} view of the simulator's {@link MutableClock}, so the index and the simulator
 * agree on "now".
 */
final class SimClock extends Clock {

  private final MutableClock source;

  SimClock(MutableClock source) {
    this.source = source;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return source.get();
  }
}
