package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.usage.JsonLinesUsageSource;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.model.api.MeteringCounters;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulled usage from a JSON-lines file that the update would refuse (issue 19, the probe's
 * findings): a line above the per-entry limit and a line for a dimension the customer is not
 * metered on are billed never, and each is counted by reason in {@code status}.
 */
class PulledFileRefusedLinesTest {

  private static final String PRODUCT = "prod-hourmeter";
  private static final String CUSTOMER = "cust-file-refused";

  @TempDir static Path dir;

  private final Path file = dir.resolve("usage-" + System.nanoTime() + ".jsonl");
  private final JsonLinesUsageSource source = new JsonLinesUsageSource(file);
  private final MeteringTestEnvironment env = new MeteringTestEnvironment(source);
  private final TestCustomers customers = new TestCustomers(env, PRODUCT);

  @AfterEach
  void tearDown() {
    env.close();
    source.close();
  }

  private static String line(String dimension, String quantity, Instant timestamp) {
    return "{\"productCode\":\""
        + PRODUCT
        + "\",\"customer\":\""
        + CUSTOMER
        + "\",\"dimension\":\""
        + dimension
        + "\",\"quantity\":"
        + quantity
        + ",\"timestamp\":\""
        + timestamp
        + "\"}\n";
  }

  private void append(String text) throws IOException {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void aLineOverThePerEntryLimitAndALineOfAnUnknownDimensionAreNeverBilledAndCounted()
      throws IOException {
    MeteringSubscription subscription = customers.subscribed(CUSTOMER, "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    append(line("requests", "3", at(0, 30)));
    append(line("requests", "1e30", at(0, 31)));
    append(line("requests", "2147483648", at(0, 32)));
    append(line("bogus", "7", at(0, 33)));
    env.sleepUntil(at(1, 10)); // 00:00 closed at 01:05
    append(line("requests", "2", at(1, 30)));
    env.sleepUntil(at(3, 10)); // 01:00 and 02:00 closed

    List<LedgerEntry> ledger = env.ledger(PRODUCT, CUSTOMER);
    assertThat(ledger).extracting(LedgerEntry::dimension).containsOnly("requests");
    assertThat(ledger)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .as(
            "only the valid lines are billed (each period sends its record, 0 when unused);"
                + " nothing over the limit is carried and billed later")
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(hour(0), 3L),
            org.assertj.core.groups.Tuple.tuple(hour(1), 2L),
            org.assertj.core.groups.Tuple.tuple(hour(2), 0L));
    MeteringStatus status = workflow.status();
    assertThat(status.carried()).isEmpty();
    assertThat(status.counters().pulledEntriesNotBilled())
        .as("every line not billed is counted by reason")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(MeteringCounters.OVER_LIMIT, 2L, MeteringCounters.UNKNOWN_DIMENSION, 1L));
    assertThat(status.counters().quantityAccepted()).isEqualByComparingTo("5");
  }
}
