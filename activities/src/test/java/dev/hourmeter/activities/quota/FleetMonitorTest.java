package dev.hourmeter.activities.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class FleetMonitorTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SharedQuota metering = SharedQuota.batchMeterUsage(10, registry);
  private final AtomicReference<Supplier<Map<String, Instant>>> answer = new AtomicReference<>();

  private FleetMonitor start() {
    return FleetMonitor.start(
        () -> answer.get().get(),
        new FleetMembership(
            "me", Duration.ofSeconds(45), Duration.ofSeconds(13), Clock.systemUTC()),
        Duration.ofHours(1),
        List.of(metering),
        registry,
        "q");
  }

  @Test
  void theFirstLookHappensBeforeStartReturns() {
    Instant now = Instant.now();
    answer.set(() -> Map.of("me", now, "a", now, "b", now));
    try (FleetMonitor monitor = start()) {
      assertThat(monitor).isNotNull();
      assertThat(metering.view().workers()).isEqualTo(3);
      assertThat(registry.get("hourmeter.fleet.workers").gauge().value()).isEqualTo(3);
      assertThat(metering.share()).as("the others must see this worker first").isZero();
    }
  }

  @Test
  void aServerThatCannotTellTurnsSharingOff() {
    answer.set(
        () -> {
          throw new UnsupportedOperationException("DescribeTaskQueue: UNIMPLEMENTED");
        });
    try (FleetMonitor monitor = start()) {
      assertThat(monitor).isNotNull();
      assertThat(metering.view()).isEqualTo(FleetView.ALONE);
      assertThat(metering.share()).isEqualTo(10);
    }
  }

  @Test
  void aFailedLookKeepsTheLastView() {
    Instant now = Instant.now();
    answer.set(() -> Map.of("me", now, "a", now));
    try (FleetMonitor monitor = start()) {
      FleetView seen = metering.view();
      answer.set(
          () -> {
            throw new IllegalStateException("DescribeTaskQueue: UNAVAILABLE");
          });
      monitor.look();
      assertThat(metering.view()).isEqualTo(seen);
      assertThat(registry.get("hourmeter.fleet.workers").gauge().value()).isEqualTo(2);
    }
  }
}
