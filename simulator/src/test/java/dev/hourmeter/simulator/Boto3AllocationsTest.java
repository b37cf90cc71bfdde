package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * boto3 against the simulator with UsageAllocations: a tagged record is billed with its
 * allocations, and every kind of bad allocation gets AWS's error, refusing the whole request
 * ({@code src/test/resources/boto3/usage_allocations.py} prints what boto3 answered, as JSON).
 */
class Boto3AllocationsTest extends SimulatorTestBase {

  @Test
  void boto3GetsAwsAllocationErrorsAndTheLedgerKeepsTheAllocations() throws Exception {
    Path python = Boto3Python.require();
    subscribeAccount(ACCOUNT, "requests", "storage");
    ObjectNode config = HttpSupport.JSON.createObjectNode();
    config.put("endpoint", sim.endpoint().toString());
    config.put("accessKeyId", ACCESS_KEY);
    config.put("hour", HOUR.getEpochSecond());
    config.put("account", ACCOUNT);
    config.put("productCode", PRODUCT);
    Path script = Path.of(getClass().getResource("/boto3/usage_allocations.py").toURI());

    Boto3Python.Run run = Boto3Python.run(python, List.of(script.toString(), config.toString()));
    assertThat(run.exitCode()).as("python failed: %s", run.stderr()).isZero();
    JsonNode out = HttpSupport.JSON.readTree(run.stdout());

    assertThat(out.at("/accepted/0/status").asText()).isEqualTo("Success");
    assertThat(out.at("/accepted/0/allocations")).hasSize(2);
    for (String refusal : List.of("wrongSum", "mixedKinds", "tooMany", "repeatedTagSet")) {
      assertThat(out.at("/" + refusal + "/code").asText())
          .as(refusal)
          .isEqualTo("InvalidUsageAllocationsException");
      assertThat(out.at("/" + refusal + "/httpStatus").asInt()).as(refusal).isEqualTo(400);
      assertThat(out.at("/" + refusal + "/modeledException").asBoolean()).as(refusal).isTrue();
    }
    assertThat(out.at("/badTag/code").asText()).isEqualTo("InvalidTagException");
    assertThat(out.at("/badTag/message").asText()).contains("team");
    assertThat(out.at("/badTag/modeledException").asBoolean()).isTrue();
    assertThat(out.at("/sixTags/code").asText()).isEqualTo("InvalidTagException");

    // Only the good record was billed: every refused request was refused whole (its valid
    // storage record too).
    assertThat(sim.ledger())
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.dimension()).isEqualTo("requests");
              assertThat(entry.allocations())
                  .containsExactly(
                      new LedgerEntry.Allocation(
                          BigDecimal.valueOf(2), Map.of("env", "prod", "team", "a")),
                      new LedgerEntry.Allocation(BigDecimal.valueOf(3), Map.of()));
            });
  }
}
