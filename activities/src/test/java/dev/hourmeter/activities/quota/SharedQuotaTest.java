package dev.hourmeter.activities.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SharedQuotaTest {

  private final FakeTime time = new FakeTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private SharedQuota metering(double cap) {
    return new SharedQuota("BatchMeterUsage", 10, cap, registry, time::nanoTime);
  }

  private double gauge(String name) {
    return registry.get(name).tag("operation", "BatchMeterUsage").gauge().value();
  }

  @Test
  void aWorkerAloneTakesTheQuotaUpToItsCap() {
    assertThat(metering(10).callsPerSecond()).isEqualTo(10);
    assertThat(new SharedQuota("X", 10, 4, new SimpleMeterRegistry(), time::nanoTime).share())
        .isEqualTo(4);
  }

  @Test
  void aCapAboveAwsQuotaIsTheAccountsRaisedQuota() {
    SharedQuota quota = metering(20);
    assertThat(quota.quota()).isEqualTo(20);
    quota.fleetChanged(new FleetView(2, 1, Duration.ZERO));
    assertThat(quota.share()).isEqualTo(10);
  }

  @Test
  void theShareFollowsTheFleetByRankAndIsPublished() {
    SharedQuota quota = metering(10);
    quota.fleetChanged(new FleetView(3, 0, Duration.ZERO));
    assertThat(quota.share()).isEqualTo(4);
    assertThat(quota.callsPerSecond()).as("a lower share applies at once").isEqualTo(4);
    quota.fleetChanged(new FleetView(3, 2, Duration.ZERO));
    assertThat(quota.callsPerSecond()).isEqualTo(3);
    assertThat(gauge("hourmeter.quota.share")).isEqualTo(3);
    assertThat(gauge("hourmeter.quota.rate")).isEqualTo(3);

    // A worker died: the survivor's share grows, and its rate climbs to it by 0.5 calls/s a second.
    quota.fleetChanged(new FleetView(2, 1, Duration.ZERO));
    assertThat(quota.share()).isEqualTo(5);
    time.advanceSeconds(2);
    assertThat(quota.callsPerSecond()).isCloseTo(4, within(1e-9));
    time.advanceSeconds(2);
    assertThat(quota.callsPerSecond()).isEqualTo(5);
  }

  @Test
  void aJoiningWorkerMakesNoCallsUntilTheOthersHaveMadeRoomThenRampsUp() {
    SharedQuota quota = metering(10);
    quota.fleetChanged(new FleetView(3, 1, Duration.ofSeconds(13)));
    assertThat(quota.share()).isZero();
    assertThat(quota.callsPerSecond()).isZero();
    time.advanceSeconds(12.9);
    assertThat(quota.callsPerSecond()).isZero();
    time.advanceSeconds(0.1);
    assertThat(quota.share()).as("joined, without waiting for the next look").isEqualTo(3);
    assertThat(quota.callsPerSecond()).as("ramping up from 0").isCloseTo(0.05, within(1e-9));
    time.advanceSeconds(2);
    assertThat(quota.callsPerSecond()).isCloseTo(1.05, within(1e-9));
    time.advanceSeconds(10);
    assertThat(quota.callsPerSecond()).isEqualTo(3);
  }

  @Test
  void throttlingHalvesTheRateOnceASecondCountsAndRecoversToTheShare() {
    SharedQuota quota = metering(10);
    quota.fleetChanged(new FleetView(2, 0, Duration.ZERO));
    quota.throttled();
    quota.throttled(); // the same burst
    assertThat(quota.callsPerSecond()).isEqualTo(2.5);
    assertThat(registry.get("hourmeter.quota.backoffs").counter().count()).isEqualTo(1);
    time.advanceSeconds(1);
    quota.throttled();
    assertThat(quota.callsPerSecond()).isCloseTo(1.5, within(1e-9));
    assertThat(quota.share()).as("the share itself stays").isEqualTo(5);
    time.advanceSeconds(7);
    assertThat(quota.callsPerSecond()).isEqualTo(5);
  }

  @Test
  void lookupEventsShareTwoCallsASecond() {
    SharedQuota lookups = SharedQuota.lookupEvents(2, registry);
    lookups.fleetChanged(new FleetView(3, 0, Duration.ZERO));
    assertThat(lookups.share()).isCloseTo(2 / 3.0, within(1e-9));
    lookups.fleetChanged(new FleetView(2, 1, Duration.ZERO));
    assertThat(lookups.share()).isEqualTo(1);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> metering(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> metering(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
