package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class CloseOffsetTest {

  private static final Duration SPREAD = Duration.ofMinutes(20);

  /**
   * Actions a customer's close costs today: its close timer, the local-activity task, the submit.
   */
  private static final int ACTIONS_PER_CLOSE = 3;

  /** The fleet's ceiling the default spread is sized for (docs/design.md, "Closes spread"). */
  private static final int CEILING_ACTIONS_PER_SECOND = 400;

  @Test
  void theOffsetIsAStableFunctionOfTheWorkflowIdAndTheSpread() {
    // Pinned: a running customer's offset must not move with a new build (its closes would too).
    assertThat(CloseOffset.of("metering/prod-1/customer-000001", SPREAD))
        .isEqualTo(Duration.ofSeconds(1128));
    assertThat(CloseOffset.of("metering/prod-1/customer-000001", Duration.ofSeconds(20)))
        .isEqualTo(Duration.ofMillis(18_815));
    assertThat(CloseOffset.of("metering/prod-1/customer-000001", SPREAD))
        .isEqualTo(CloseOffset.of(new String("metering/prod-1/customer-000001"), SPREAD));
    assertThat(CloseOffset.of("metering/prod-1/customer-000002", SPREAD))
        .isNotEqualTo(CloseOffset.of("metering/prod-1/customer-000001", SPREAD));
  }

  @Test
  void theOffsetLiesInsideTheSpreadInWholeSecondsFromAMinuteOnAndMillisecondsBelow() {
    for (int i = 0; i < 2_000; i++) {
      String id = "metering/p/c-" + i;
      Duration wide = CloseOffset.of(id, SPREAD);
      assertThat(wide).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(SPREAD);
      assertThat(wide.toMillis() % 1000).isZero();
      Duration narrow = CloseOffset.of(id, Duration.ofMillis(3_333));
      assertThat(narrow).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Duration.ofMillis(3_333));
    }
    assertThat(CloseOffset.of("metering/p/c", Duration.ZERO)).isZero();
    assertThatThrownBy(() -> CloseOffset.of("metering/p/c", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sequentialCustomerIdsSpreadNearUniformlyOverTheSpread() {
    int customers = 100_000;
    int[] twentieths =
        histogram(customers, i -> "metering/prod-1/customer-%06d".formatted(i), SPREAD, 20);
    int expected = customers / 20;
    assertThat(Arrays.stream(twentieths).min().orElseThrow())
        .isGreaterThan((int) (expected * 0.95));
    assertThat(Arrays.stream(twentieths).max().orElseThrow()).isLessThan((int) (expected * 1.05));

    // Twelve-digit AWS account ids, the usual customer key, too.
    int[] accounts =
        histogram(customers, i -> "metering/prod-1/%012d".formatted(i * 7_919L), SPREAD, 20);
    assertThat(Arrays.stream(accounts).min().orElseThrow()).isGreaterThan((int) (expected * 0.95));
    assertThat(Arrays.stream(accounts).max().orElseThrow()).isLessThan((int) (expected * 1.05));
  }

  @Test
  void theDefaultSpreadKeepsTheBusiestSecondUnderTheCeilingAtTenAndAHundredThousandCustomers() {
    for (int customers : new int[] {10_000, 100_000}) {
      int[] perSecond =
          histogram(
              customers,
              i -> "metering/prod-1/customer-%06d".formatted(i),
              SPREAD,
              (int) SPREAD.toSeconds());
      int busiest = Arrays.stream(perSecond).max().orElseThrow();
      assertThat(busiest * ACTIONS_PER_CLOSE)
          .as("actions in the busiest second of %d customers' closes", customers)
          .isLessThanOrEqualTo(CEILING_ACTIONS_PER_SECOND);
    }
  }

  /** How many of {@code customers} ids fall into each of {@code bins} equal parts of the spread. */
  private static int[] histogram(int customers, IntFunction<String> id, Duration spread, int bins) {
    int[] counts = new int[bins];
    for (int i = 1; i <= customers; i++) {
      long offset = CloseOffset.of(id.apply(i), spread).toMillis();
      counts[(int) (offset * bins / spread.toMillis())]++;
    }
    return counts;
  }
}
