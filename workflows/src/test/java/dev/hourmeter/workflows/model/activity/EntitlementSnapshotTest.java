package dev.hourmeter.workflows.model.activity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.api.MeteringTuning;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntitlementSnapshotTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final Duration MAX_AGE = Duration.ofHours(6);

  @Test
  void anEntitledAnswerIsReusableUntilItsMaxAge() {
    EntitlementSnapshot snapshot = entitled(null);
    assertThat(snapshot.reusableAt(T0.plus(Duration.ofHours(5).plusMinutes(59)), MAX_AGE)).isTrue();
    assertThat(snapshot.reusableAt(T0.plus(MAX_AGE), MAX_AGE)).isFalse();
  }

  @Test
  void anExpiredEntitlementForcesACheck() {
    EntitlementSnapshot snapshot = entitled(T0.plus(Duration.ofHours(2)));
    assertThat(snapshot.reusableAt(T0.plus(Duration.ofHours(1)), MAX_AGE)).isTrue();
    assertThat(snapshot.reusableAt(T0.plus(Duration.ofHours(2)), MAX_AGE)).isFalse();
  }

  @Test
  void notEntitledUnstampedOrZeroMaxAgeIsNeverReused() {
    assertThat(new EntitlementSnapshot(false, "none", Map.of(), null, T0).reusableAt(T0, MAX_AGE))
        .isFalse();
    assertThat(new EntitlementSnapshot(true, "ok", Map.of(), null, null).reusableAt(T0, MAX_AGE))
        .isFalse();
    assertThat(entitled(null).reusableAt(T0, Duration.ZERO)).isFalse();
  }

  @Test
  void aTuningWithoutTheSettingChecksEveryPeriod() {
    MeteringTuning old =
        new MeteringTuning(
            Duration.ofMinutes(5),
            Duration.ofMinutes(10),
            24,
            4096,
            Duration.ofMinutes(5),
            0,
            24,
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            null,
            null,
            null,
            null,
            null,
            null,
            Duration.ofHours(24),
            null);
    assertThat(old.entitlementMaxAge()).isZero();
    assertThat(old.maxEntryQuantity()).isEqualTo(MeteringTuning.DEFAULT_MAX_ENTRY_QUANTITY);
    assertThat(MeteringTuning.defaults(Duration.ofHours(1)).entitlementMaxAge())
        .isEqualTo(Duration.ofHours(6));
    assertThat(MeteringTuning.defaults(Duration.ofMinutes(1)).entitlementMaxAge())
        .isEqualTo(Duration.ofMinutes(6));
  }

  private static EntitlementSnapshot entitled(Instant expires) {
    return new EntitlementSnapshot(
        true, "1 active entitlement(s)", Map.of("seats", 5L), expires, T0);
  }
}
