package dev.hourmeter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.devtools.DevtoolsMain;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code ./hourmeter bench} working: a small run (200 customers) through the real command.
 * Its speed is not asserted (figures on a loaded CI machine mean little); what it measures and that
 * nothing is lost are.
 *
 * <p>A soak test (minutes of real time): {@code mvn verify -Psoak} runs it, the default build does
 * not.
 */
@Tag("soak")
class BenchSmokeIT {

  @Test
  void aSmallBenchmarkRunWritesEveryFigureAndLosesNothing() throws Exception {
    Path json = Path.of("target", "bench", "bench-smoke.json").toAbsolutePath();

    int exit =
        DevtoolsMain.run(
            "bench",
            "--customers",
            "200",
            "--dimensions",
            "1",
            "--period",
            "PT30S",
            "--out",
            json.toString());

    assertThat(exit).isZero();
    JsonNode figures = new ObjectMapper().readTree(json.toFile());
    assertThat(figures.has("server")).isTrue();
    for (String key :
        new String[] {
          "customers",
          "records",
          "calls",
          "recordsPerCall",
          "quotaBoundSeconds",
          "callsToMinimum",
          "entitlementCalls",
          "makespanSeconds",
          "makespanToQuotaBound",
          "cycleSeconds",
          "actionsPerCustomerPeriod",
          "peakActionsPerSecond",
          "closeSpreadSeconds",
          "historyEventsPerCustomerDay",
          "processCpuSeconds",
          "peakHeapMb",
          "heapPerThousandCustomersMb"
        }) {
      assertThat(figures.has(key)).as("figure %s", key).isTrue();
    }
    assertThat(figures.get("customers").asInt()).isEqualTo(200);
    assertThat(figures.get("records").asLong())
        .as("every record of the measured period accepted")
        .isEqualTo(200);
    assertThat(figures.get("calls").asLong()).isBetween(8L, 200L);
    assertThat(figures.get("actionsPerCustomerPeriod").asDouble()).isLessThanOrEqualTo(3.0);
    assertThat(figures.get("entitlementCalls").asLong())
        .as("the measured period reuses the entitlement checks of the first close")
        .isZero();
  }

  @Test
  void licensedCustomersAreBatchedTwentyFivePerCallToo() throws Exception {
    Path json = Path.of("target", "bench", "bench-smoke-licensed.json").toAbsolutePath();

    int exit =
        DevtoolsMain.run(
            "bench",
            "--customers",
            "200",
            "--licensed",
            "--period",
            "PT30S",
            "--out",
            json.toString());

    assertThat(exit).isZero();
    JsonNode figures = new ObjectMapper().readTree(json.toFile());
    assertThat(figures.get("licensed").asBoolean()).isTrue();
    assertThat(figures.get("records").asLong())
        .as("every licensed record of the measured period accepted")
        .isEqualTo(200);
    assertThat(figures.get("calls").asLong()).isBetween(8L, 200L);
  }
}
