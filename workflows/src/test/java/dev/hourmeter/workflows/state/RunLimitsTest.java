package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.workflows.model.api.MeteringTuning;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunLimitsTest {

  private static final MeteringTuning DEFAULTS = MeteringTuning.defaults(Duration.ofHours(1));

  @Test
  void continuesAsNewWithAMarginBeforeTemporalsLimits() {
    RunLimits limits = new RunLimits(DEFAULTS);
    for (int i = 0; i < 8_999; i++) {
      limits.countSignal();
    }
    for (int i = 0; i < 1_799; i++) {
      limits.countUpdate();
    }
    assertThat(limits.continueAsNewReason(false, 39_999, 40L * 1024 * 1024 - 1)).isNull();
    assertThat(limits.continueAsNewReason(true, 10, 10)).isEqualTo("suggested by the server");
    assertThat(limits.continueAsNewReason(false, 40_000, 0)).isEqualTo("40000 history events");
    assertThat(limits.continueAsNewReason(false, 0, 40L * 1024 * 1024)).contains("history bytes");

    limits.countUpdate();
    assertThat(limits.continueAsNewReason(false, 0, 0)).isEqualTo("1800 updates");
    limits.countSignal();
    assertThat(limits.continueAsNewReason(false, 0, 0)).isEqualTo("9000 signals");
  }

  @Test
  void aTuningWithoutTheLimitsReadsTheDefaultsAndTheLimitsAreBounded() {
    assertThat(DEFAULTS.continueAsNewAfterSignals()).isEqualTo(9_000);
    assertThat(DEFAULTS.continueAsNewAfterUpdates()).isEqualTo(1_800);
    assertThat(DEFAULTS.continueAsNewAfterHistoryEvents()).isEqualTo(40_000);
    assertThat(DEFAULTS.continueAsNewAfterHistoryBytes()).isEqualTo(40L * 1024 * 1024);
    assertThatThrownBy(() -> DEFAULTS.toBuilder().continueAsNewAfterSignals(10_001).build())
        .hasMessageContaining("continueAsNewAfterSignals");
    assertThatThrownBy(() -> DEFAULTS.toBuilder().continueAsNewAfterUpdates(2_001).build())
        .hasMessageContaining("continueAsNewAfterUpdates");
  }
}
