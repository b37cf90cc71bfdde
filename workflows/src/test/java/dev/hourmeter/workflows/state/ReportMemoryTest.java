package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.RememberedReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportMemoryTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void forgetsTheOldestBeyondCapacity() {
    ReportMemory memory = new ReportMemory(2, List.of());
    memory.remember("a", T0, Instant.MIN);
    memory.remember("b", T0.plusSeconds(1), Instant.MIN);
    memory.remember("c", T0.plusSeconds(2), Instant.MIN);

    assertThat(memory.contains("a")).isFalse();
    assertThat(memory.contains("b")).isTrue();
    assertThat(memory.contains("c")).isTrue();
    assertThat(memory.size()).isEqualTo(2);
  }

  @Test
  void forgetsIdsOlderThanTheHorizon() {
    ReportMemory memory =
        new ReportMemory(
            100,
            List.of(
                new RememberedReport("old", T0),
                new RememberedReport("new", T0.plusSeconds(3600))));
    memory.forgetBefore(T0.plusSeconds(60));

    assertThat(memory.contains("old")).isFalse();
    assertThat(memory.contains("new")).isTrue();
    assertThat(memory.snapshot())
        .containsExactly(new RememberedReport("new", T0.plusSeconds(3600)));
  }
}
