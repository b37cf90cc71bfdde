package dev.hourmeter.activities.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hourmeter.activities.batching.MeteringRateLimiter;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QuotaShareTest {

  private static double[] shares(double quota, double cap, int workers) {
    return IntStream.range(0, workers)
        .mapToDouble(rank -> QuotaShare.allotment(quota, cap, workers, rank))
        .toArray();
  }

  @Test
  void tenCallsOverThreeWorkersAreFourThreeThree() {
    assertThat(shares(10, 10, 3)).containsExactly(4, 3, 3);
    assertThat(shares(10, 10, 2)).containsExactly(5, 5);
    assertThat(shares(10, 10, 1)).containsExactly(10);
    assertThat(shares(10, 10, 4)).containsExactly(3, 3, 2, 2);
  }

  @Test
  void upToTenWorkersTheWholeNumberSharesAddUpToTheQuotaAndSoDoTheirOneSecondWindows() {
    for (int workers = 1; workers <= 10; workers++) {
      double[] shares = shares(10, 10, workers);
      assertThat(IntStream.range(0, workers).mapToDouble(i -> shares[i]).sum())
          .as("%d workers", workers)
          .isEqualTo(10);
      int windows =
          IntStream.range(0, workers)
              .map(i -> new MeteringRateLimiter(shares[i]).windowCalls())
              .sum();
      assertThat(windows)
          .as("%d workers: calls allowed in one second, all workers together", workers)
          .isEqualTo(10);
    }
  }

  @Test
  void moreWorkersThanCallsShareFractionsThatHoldOnAverage() {
    assertThat(shares(10, 10, 12)).containsOnly(new double[] {10 / 12.0}, within(1e-9));
    assertThat(shares(2, 2, 3)).containsOnly(new double[] {2 / 3.0}, within(1e-9));
    assertThat(shares(2, 2, 2)).containsExactly(1, 1);
  }

  @Test
  void theCapBoundsEachShareAndIsNotHandedToOthers() {
    assertThat(shares(10, 3, 2)).containsExactly(3, 3);
    assertThat(shares(10, 4.5, 1)).containsExactly(4.5);
    assertThat(shares(2, 0.5, 3)).containsExactly(0.5, 0.5, 0.5);
  }

  @Test
  void outOfRangeRanksAndCountsAreClamped() {
    assertThat(QuotaShare.allotment(10, 10, 0, 0)).isEqualTo(10);
    assertThat(QuotaShare.allotment(10, 10, 3, 7)).isEqualTo(3);
  }
}
