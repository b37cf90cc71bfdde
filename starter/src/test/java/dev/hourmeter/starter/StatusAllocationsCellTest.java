package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.activity.UsageAllocation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compact allocations cell of the {@code status} tables. */
class StatusAllocationsCellTest {

  @Test
  void showsTheCountTheLargestAllocationsAndHowManyMore() {
    List<UsageAllocation> shown =
        List.of(
            new UsageAllocation(new BigDecimal("5"), Map.of()),
            new UsageAllocation(new BigDecimal("6"), Map.of("team", "b", "env", "prod")),
            new UsageAllocation(new BigDecimal("5.5"), Map.of("team", "a")));

    assertThat(StatusFormatter.allocations(shown, 3))
        .isEqualTo("3: [env=prod,team=b]=6 [team=a]=5.5 +1 more");
    assertThat(StatusFormatter.allocations(shown.subList(0, 1), 2500))
        .as("a record with more allocations than status keeps")
        .isEqualTo("2500: [-]=5 +2499 more");
    assertThat(StatusFormatter.allocations(List.of(), 0)).isEqualTo("-");
  }
}
