package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InternalsTest {

  @Test
  void slidingWindowAdmitsPermitsPerSecond() {
    AtomicLong nanos = new AtomicLong(5_000_000_000L);
    SlidingWindowRateLimiter limiter = new SlidingWindowRateLimiter(2, nanos::get);
    assertThat(limiter.tryAcquire()).isTrue();
    nanos.addAndGet(400_000_000L);
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    nanos.addAndGet(599_999_999L);
    assertThat(limiter.tryAcquire()).as("first permit still inside the window").isFalse();
    nanos.addAndGet(1L);
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    assertThat(new SlidingWindowRateLimiter(0, nanos::get).tryAcquire()).isTrue();
  }

  @Test
  void periodStartIsEpochAligned() {
    SimulatorClock hourly = new SimulatorClock(Instant::now, Duration.ofHours(1));
    assertThat(hourly.periodStart(Instant.parse("2026-11-26T10:59:59.999Z")))
        .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThat(hourly.periodStart(Instant.parse("2026-11-26T10:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    SimulatorClock fiveMinutes = new SimulatorClock(Instant::now, Duration.ofMinutes(5));
    assertThat(fiveMinutes.periodStart(Instant.parse("1969-12-31T23:58:00Z")))
        .isEqualTo(Instant.parse("1969-12-31T23:55:00Z"));
  }

  @Test
  void pageTokensAreBoundToTheirParameters() {
    String fp = PageToken.fingerprint("a", 1, null);
    String token = PageToken.encode(fp, "42");
    assertThat(PageToken.decode(token, fp)).hasValue("42");
    assertThat(PageToken.decode(token, PageToken.fingerprint("a", 2, null))).isEmpty();
    assertThat(PageToken.decode("!!!", fp)).isEmpty();
  }

  @Test
  void timestampsParseFromEpochSecondsAndIsoStrings() throws Exception {
    assertThat(AwsJson.timestamp(AwsJson.parse("1795669200.000".getBytes())))
        .isEqualTo(Instant.parse("2026-11-26T05:00:00Z"));
    assertThat(AwsJson.timestamp(AwsJson.parse("1795669200.5".getBytes())))
        .isEqualTo(Instant.parse("2026-11-26T05:00:00.500Z"));
    assertThat(AwsJson.timestamp(AwsJson.parse("\"2026-11-26T05:00:00Z\"".getBytes())))
        .isEqualTo(Instant.parse("2026-11-26T05:00:00Z"));
    assertThat(AwsJson.string(AwsJson.epochSeconds(Instant.parse("2026-11-26T05:00:00Z"))))
        .isEqualTo("1795669200.000");
    assertThatThrownBy(() -> AwsJson.timestamp(AwsJson.parse("\"yesterday\"".getBytes())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void configRejectsNonsense() {
    assertThatThrownBy(() -> MarketplaceSimulator.builder().period(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("period");
    assertThatThrownBy(() -> MarketplaceSimulator.builder().meteringTps(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("meteringTps");
    assertThat(
            MarketplaceSimulator.builder()
                .period(Duration.ofMinutes(12))
                .config()
                .cloudTrailDelay())
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(
            MarketplaceSimulator.builder()
                .period(Duration.ofMinutes(1))
                .futureSkew(Duration.ofMinutes(5))
                .config()
                .effectiveFutureSkew())
        .isEqualTo(Duration.ofMinutes(1));
  }
}
