package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.checkpoint.RememberedReport;
import dev.hourmeter.workflows.state.ReportMemory.Admission;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportMemoryTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void neverForgetsAnIdInsideTheHorizonAndRefusesNewOnesWhenFull() {
    ReportMemory memory = new ReportMemory(2, List.of());
    memory.remember("a", "h", T0, Instant.MIN);
    memory.remember("b", "h", T0.plusSeconds(1), Instant.MIN);

    assertThat(memory.admission("c", "h", Instant.MIN)).isEqualTo(Admission.FULL);
    assertThat(memory.admission("a", "h", Instant.MIN)).isEqualTo(Admission.DUPLICATE);
    assertThat(memory.contains("a")).isTrue();
    // Once "a" leaves the horizon there is room again.
    assertThat(memory.admission("c", "h", T0.plusMillis(1))).isEqualTo(Admission.NEW);
  }

  @Test
  void tellsAConflictFromADuplicate() {
    ReportMemory memory =
        new ReportMemory(10, List.of(new RememberedReport("old-format", T0, null)));
    memory.remember("r", "hash-1", T0, Instant.MIN);

    assertThat(memory.admission("r", "hash-1", Instant.MIN)).isEqualTo(Admission.DUPLICATE);
    assertThat(memory.admission("r", "hash-2", Instant.MIN)).isEqualTo(Admission.CONFLICT);
    assertThat(memory.admission("old-format", "any", Instant.MIN))
        .as("an id remembered without a hash stays a plain duplicate")
        .isEqualTo(Admission.DUPLICATE);
  }

  @Test
  void keepsLongIdsAsAFingerprint() {
    ReportMemory memory = new ReportMemory(10, List.of());
    String longId = "x".repeat(256);
    memory.remember(longId, "h", T0, Instant.MIN);

    assertThat(memory.contains(longId)).isTrue();
    assertThat(memory.contains("x".repeat(255))).isFalse();
    assertThat(memory.snapshot().get(0).id()).startsWith("sha256:").hasSizeLessThan(64);
  }

  @Test
  void forgetsIdsOlderThanTheHorizon() {
    ReportMemory memory =
        new ReportMemory(
            100,
            List.of(
                new RememberedReport("old", T0, null),
                new RememberedReport("new", T0.plusSeconds(3600), "h")));
    memory.forgetBefore(T0.plusSeconds(60));

    assertThat(memory.contains("old")).isFalse();
    assertThat(memory.contains("new")).isTrue();
    assertThat(memory.snapshot())
        .containsExactly(new RememberedReport("new", T0.plusSeconds(3600), "h"));
  }
}
