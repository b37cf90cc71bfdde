package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static dev.hourmeter.it.TestCustomers.workflowId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulled usage from a JSON-lines file written late (issue 13, finding 4): a line still partial at
 * the close and a line stamped in a period already collected are billed exactly once, in a later
 * period, shown as carried; a worker restart re-reading the whole file bills nothing twice.
 */
class PulledFileLateLinesTest {

  private static final String PRODUCT = "prod-hourmeter";
  private static final String CUSTOMER = "cust-file";

  @TempDir static Path dir;

  private final Path file = dir.resolve("usage-" + System.nanoTime() + ".jsonl");
  private final RestartableUsageSource source = new RestartableUsageSource(file);
  private final MeteringTestEnvironment env = new MeteringTestEnvironment(source);
  private final TestCustomers customers = new TestCustomers(env, PRODUCT);

  @AfterEach
  void tearDown() {
    env.close();
  }

  private static String line(long quantity, Instant timestamp) {
    return "{\"productCode\":\""
        + PRODUCT
        + "\",\"customer\":\""
        + CUSTOMER
        + "\",\"dimension\":\"requests\",\"quantity\":"
        + quantity
        + ",\"timestamp\":\""
        + timestamp
        + "\"}";
  }

  private void append(String text) throws IOException {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void linesWrittenAfterTheCloseAreBilledOnceInALaterPeriodEvenAcrossARestart() throws IOException {
    MeteringSubscription subscription = customers.subscribed(CUSTOMER, "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    append(line(3, at(0, 30)) + "\n");
    String partial = line(4, at(0, 50));
    append(partial.substring(0, 40)); // a slow writer: partial at the close of 00:00
    env.sleepUntil(at(1, 10)); // 00:00 closed at 01:05 and was billed 3

    append(partial.substring(40) + "\n"); // completed after the close
    append(line(5, at(0, 40)) + "\n"); // stamped in the period already collected
    append(line(2, at(1, 20)) + "\n"); // on time for 01:00
    env.sleepUntil(at(2, 10));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, CUSTOMER);
    assertThat(quantity(ledger, hour(0))).isEqualTo(3);
    assertThat(quantity(ledger, hour(1))).isEqualTo(2 + 4 + 5);
    assertThat(workflow.status().carried())
        .containsExactly(
            new CarriedUsage(
                "requests", java.math.BigDecimal.valueOf(9), hour(0), hour(1), CarriedUsage.LATE));

    // A worker restart: a new source reads the whole file again; nothing is billed twice.
    source.restart();
    append(line(1, at(2, 15)) + "\n");
    env.sleepUntil(at(3, 10));

    ledger = env.ledger(PRODUCT, CUSTOMER);
    assertThat(ledger).hasSize(3);
    assertThat(quantity(ledger, hour(2))).isEqualTo(1);
    assertThat(ledger.stream().mapToLong(LedgerEntry::quantity).sum()).isEqualTo(3 + 4 + 5 + 2 + 1);
    assertThat(workflow.status().carried()).hasSize(1);

    WorkflowExecutionHistory history = env.client.fetchHistory(workflowId(subscription));
    try {
      WorkflowReplayer.replayWorkflowExecution(history, CustomerMeteringWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError("history does not replay", e);
    }
  }

  private static long quantity(List<LedgerEntry> ledger, Instant period) {
    return ledger.stream()
        .filter(e -> e.dimension().equals("requests") && e.timestamp().equals(period))
        .mapToLong(LedgerEntry::quantity)
        .sum();
  }
}
