package dev.hourmeter.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.checkpoint.MeteringCheckpoint;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every checkpoint in the golden histories (the input of each run that continued as new) reads back
 * into today's model and is written again as the same JSON values (fields added to the model since
 * are left out of the comparison); quantities read as the exact {@link BigDecimal}s written, whole
 * ones written as JSON integers. This is rule 5 of docs/workflow-versioning.md (payloads keep their
 * JSON shape) checked on real payloads: a running customer continues as new from such a checkpoint.
 */
class CheckpointCompatibilityTest {

  private static final Path GOLDEN =
      Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "golden-histories");
  private static final ObjectMapper TREE =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @Test
  void everyCheckpointInTheGoldenHistoriesReadsBackWithIdenticalValues() throws Exception {
    List<Payload> checkpoints = new ArrayList<>();
    for (Path file : histories()) {
      WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(Files.readString(file));
      var started = history.getEvents().get(0);
      assertThat(started.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
      Payload input =
          started.getWorkflowExecutionStartedEventAttributes().getInput().getPayloads(0);
      if (TREE.readTree(input.getData().toByteArray()).path("checkpoint").isObject()) {
        checkpoints.add(input);
      }
    }
    assertThat(checkpoints).as("golden histories that continued as new").isNotEmpty();

    boolean sawPending = false;
    boolean sawRecords = false;
    for (Payload payload : checkpoints) {
      JsonNode original = TREE.readTree(payload.getData().toByteArray());
      CustomerMeteringInput input =
          DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
              payload, CustomerMeteringInput.class, CustomerMeteringInput.class);
      MeteringCheckpoint checkpoint = input.checkpoint();
      Payload again = DefaultDataConverter.STANDARD_INSTANCE.toPayload(input).orElseThrow();

      assertSameValues(
          original.path("checkpoint"),
          TREE.readTree(again.getData().toByteArray()).path("checkpoint"),
          "checkpoint");
      JsonNode pending = original.path("checkpoint").path("pending");
      for (int i = 0; i < pending.size(); i++) {
        JsonNode quantities = pending.get(i).path("quantities");
        var period = checkpoint.pending().get(i).quantities();
        quantities
            .properties()
            .forEach(
                e -> {
                  BigDecimal value = e.getValue().decimalValue();
                  assertThat(period.get(e.getKey())).isEqualByComparingTo(value);
                  if (value.stripTrailingZeros().scale() <= 0) {
                    assertThat(e.getValue().isIntegralNumber())
                        .as("whole quantity %s written as an integer", value)
                        .isTrue();
                  }
                });
        sawPending |= !quantities.isEmpty();
      }
      JsonNode records = original.path("checkpoint").path("recentRecords");
      for (int i = 0; i < records.size(); i++) {
        assertThat(checkpoint.recentRecords().get(i).quantity())
            .isEqualByComparingTo(records.get(i).path("quantity").decimalValue());
        sawRecords = true;
      }
      assertThat(checkpoint.counters().quantityAccepted())
          .isEqualByComparingTo(
              original.path("checkpoint").path("counters").path("quantityAccepted").decimalValue());
    }
    assertThat(sawPending).as("a checkpoint with pending usage").isTrue();
    assertThat(sawRecords).as("a checkpoint with submitted records").isTrue();
  }

  /** Every value of {@code original} is in {@code again}, equal (a null may be left out). */
  private static void assertSameValues(JsonNode original, JsonNode again, String path) {
    if (original.isObject()) {
      assertThat(again.isObject()).as(path).isTrue();
      original
          .properties()
          .forEach(
              e -> {
                JsonNode other = again.get(e.getKey());
                if (e.getValue().isNull() && (other == null || other.isNull())) {
                  return;
                }
                assertThat(other).as(path + "." + e.getKey()).isNotNull();
                assertSameValues(e.getValue(), other, path + "." + e.getKey());
              });
    } else if (original.isArray()) {
      assertThat(again.size()).as(path).isEqualTo(original.size());
      for (int i = 0; i < original.size(); i++) {
        assertSameValues(original.get(i), again.get(i), path + "[" + i + "]");
      }
    } else {
      assertThat(again).as(path).isEqualTo(original);
    }
  }

  private static List<Path> histories() {
    try (Stream<Path> files = Files.walk(GOLDEN)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
