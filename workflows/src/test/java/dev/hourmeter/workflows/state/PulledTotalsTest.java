package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PulledTotalsTest {

  static final Duration HOUR = Duration.ofHours(1);
  static final Instant H0 = Instant.parse("2026-11-26T00:00:00Z");

  static Instant hour(int h) {
    return H0.plus(HOUR.multipliedBy(h));
  }

  private static BigDecimal d(long value) {
    return BigDecimal.valueOf(value);
  }

  @Test
  void nothingTakenMeansNoLookback() {
    PulledTotals totals = new PulledTotals(List.of());
    assertThat(totals.lookbackFrom(hour(5), HOUR)).isNull();
    // A period shown but never taken (collected before this was kept) is not billed again.
    assertThat(totals.reconcile(List.of(new PeriodUsage(hour(4), Map.of("r", d(9)))))).isEmpty();
  }

  @Test
  void growthIsReportedOnceAndShrinkingIsNeverTaken() {
    PulledTotals totals = new PulledTotals(List.of());
    totals.remember(hour(0), Map.of("r", d(3)));
    totals.remember(hour(1), Map.of("r", d(2), "s", d(1)));
    assertThat(totals.lookbackFrom(hour(2), HOUR)).isEqualTo(hour(0));

    assertThat(
            totals.reconcile(
                List.of(
                    new PeriodUsage(hour(0), Map.of("r", d(12))),
                    new PeriodUsage(hour(1), Map.of("r", d(2))))))
        .containsExactly(
            new PulledTotals.Difference(hour(0), "r", d(9)),
            new PulledTotals.Difference(hour(1), "s", d(-1)));
    // Shown again (a restart re-reading the file): nothing new.
    assertThat(
            totals.reconcile(
                List.of(
                    new PeriodUsage(hour(0), Map.of("r", d(12))),
                    new PeriodUsage(hour(1), Map.of("r", d(2), "s", d(1))))))
        .isEmpty();
    // Lower than taken (file rotated away): reported, and the larger total stays.
    assertThat(totals.reconcile(List.of(new PeriodUsage(hour(0), Map.of("r", d(1))))))
        .containsExactly(new PulledTotals.Difference(hour(0), "r", d(-11)));
    assertThat(totals.reconcile(List.of(new PeriodUsage(hour(0), Map.of("r", d(12)))))).isEmpty();
  }

  @Test
  void keepsTheLastPeriodsOnlyAndLooksBackNoFurther() {
    PulledTotals totals = new PulledTotals(List.of());
    for (int h = 0; h < 30; h++) {
      totals.remember(hour(h), Map.of("r", d(1)));
    }
    assertThat(totals.snapshot()).hasSize(PulledTotals.PERIODS_KEPT);
    assertThat(totals.snapshot().get(0).periodStart())
        .isEqualTo(hour(30 - PulledTotals.PERIODS_KEPT));
    assertThat(totals.lookbackFrom(hour(30), HOUR)).isEqualTo(hour(6));
    // Long after: the lookback is bounded by the number of periods kept.
    assertThat(totals.lookbackFrom(hour(100), HOUR)).isNull();
    // Restored from a checkpoint: the same.
    assertThat(new PulledTotals(totals.snapshot()).snapshot()).isEqualTo(totals.snapshot());
  }
}
