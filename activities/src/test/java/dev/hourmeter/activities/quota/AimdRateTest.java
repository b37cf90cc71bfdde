package dev.hourmeter.activities.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AimdRateTest {

  private final FakeTime time = new FakeTime();

  /** BatchMeterUsage's parameters: +0.5 calls/s per second, x0.5, floor 0.5, once a second. */
  private AimdRate rate(double initial) {
    return new AimdRate(initial, 0.5, 0.5, 0.5, TimeUnit.SECONDS.toNanos(1), time::nanoTime);
  }

  @Test
  void aThrottleHalvesTheRateThenItClimbsBackAdditivelyToTheTarget() {
    AimdRate aimd = rate(5);
    assertThat(aimd.rate(5)).isEqualTo(5);

    assertThat(aimd.throttled(5)).isTrue();
    assertThat(aimd.rate(5)).isEqualTo(2.5);
    time.advanceSeconds(1);
    assertThat(aimd.rate(5)).isCloseTo(3.0, within(1e-9));
    time.advanceSeconds(2);
    assertThat(aimd.rate(5)).isCloseTo(4.0, within(1e-9));
    time.advanceSeconds(10);
    assertThat(aimd.rate(5)).as("never above the target").isEqualTo(5);
  }

  @Test
  void throttlesOfOneBurstCutOnceASecond() {
    AimdRate aimd = rate(8);
    assertThat(aimd.throttled(8)).isTrue();
    time.advanceSeconds(0.3);
    assertThat(aimd.throttled(8)).as("same burst").isFalse();
    assertThat(aimd.rate(8)).isCloseTo(4.15, within(1e-9));
    time.advanceSeconds(0.7);
    assertThat(aimd.throttled(8)).isTrue();
    assertThat(aimd.rate(8)).isCloseTo(2.25, within(1e-9));
  }

  @Test
  void cutsStopAtTheFloorOrTheTargetBelowItAndNeverRaiseARate() {
    AimdRate aimd = rate(0.8);
    aimd.throttled(10);
    assertThat(aimd.rate(10)).as("0.4 would be below the floor").isEqualTo(0.5);

    aimd.rate(0.2); // a target below the floor applies at once
    time.advanceSeconds(1.5);
    assertThat(aimd.throttled(0.2)).isTrue();
    assertThat(aimd.rate(0.2)).as("floored at the target").isEqualTo(0.2);

    aimd.rate(0); // joining
    time.advanceSeconds(1);
    aimd.rate(0);
    time.advanceSeconds(0.2);
    assertThat(aimd.throttled(10)).isTrue();
    assertThat(aimd.rate(10))
        .as("a rate below the floor (ramping up from 0) is not raised by a cut")
        .isCloseTo(0.1, within(1e-9));
  }

  @Test
  void aLowerTargetAppliesAtOnceAHigherOneIsClimbedTo() {
    AimdRate aimd = rate(5);
    assertThat(aimd.rate(3)).isEqualTo(3);
    time.advanceSeconds(2);
    assertThat(aimd.rate(5)).isCloseTo(4, within(1e-9));
    assertThat(aimd.rate(0)).isZero();
    time.advanceSeconds(4);
    assertThat(aimd.rate(4)).as("from 0, +0.5 per second").isCloseTo(2, within(1e-9));
  }
}
