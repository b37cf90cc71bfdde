package dev.hourmeter.workflows.model.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteringTuningWindowTest {

  private static final Duration HOUR = Duration.ofHours(1);

  private static MeteringSubscription hourly(MeteringTuning tuning) {
    return MeteringSubscription.of(
            "p", CustomerId.parse("c"), List.of("requests"), PricingModel.SUBSCRIPTION, HOUR)
        .withTuning(tuning);
  }

  @Test
  void theDefaultWindowIs24PeriodsAtMostADay() {
    assertThat(MeteringTuning.defaults(HOUR).window()).isEqualTo(Duration.ofHours(24));
    assertThat(MeteringTuning.defaults(Duration.ofMinutes(1)).window())
        .isEqualTo(Duration.ofMinutes(24));
    assertThat(MeteringTuning.defaults(Duration.ofDays(1)).window())
        .isEqualTo(Duration.ofHours(24));
  }

  @Test
  void aTuningHasAWindow() {
    assertThatThrownBy(() -> MeteringTuning.builder(HOUR).window(null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window: must be positive, got null");
  }

  @Test
  void newWorkflowsTakeAWindowWithinItsBounds() {
    MeteringTuning defaults = MeteringTuning.defaults(HOUR);
    assertThat(hourly(defaults.toBuilder().window(Duration.ofHours(6)).build()).startProblems())
        .isEmpty();
    assertThat(hourly(defaults.toBuilder().window(Duration.ofHours(1)).build()).startProblems())
        .isEmpty();
    assertThat(hourly(defaults.toBuilder().window(Duration.ofHours(25)).build()).startProblems())
        .containsExactly("window: must be at most PT24H (AWS's window), got PT25H");
    assertThat(hourly(defaults.toBuilder().window(Duration.ofMinutes(59)).build()).startProblems())
        .containsExactly("window: must be at least PT1H, got PT59M");
    assertThat(MeteringTuning.windowProblem(Duration.ofMinutes(6), Duration.ofMinutes(1)))
        .as("six short periods are allowed")
        .isNull();
  }
}
