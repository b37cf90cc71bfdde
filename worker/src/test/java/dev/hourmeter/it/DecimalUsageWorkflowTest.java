package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static dev.hourmeter.it.TestCustomers.workflowId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.UsageMessages;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Decimal usage end to end (issue 10): pushed and pulled fractional quantities are added exactly
 * and billed as one {@code QuantityAsDecimal} record; a customer with whole usage hands the
 * activity the same record as before decimals existed, and on the wire every record is a {@code
 * QuantityAsDecimal} (AWS deprecated {@code Quantity}). Real workflow, real activities, simulator
 * over HTTP, time skipping; the simulator's ledger is what AWS would bill.
 */
class DecimalUsageWorkflowTest {

  private static final String PRODUCT = "prod-decimal";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InMemoryUsageSource usageSource = new InMemoryUsageSource();
  private final MeteringTestEnvironment env = new MeteringTestEnvironment(usageSource);
  private final TestCustomers customers = new TestCustomers(env, PRODUCT);

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void decimalUsageIsBilledExactlyAsOneQuantityAsDecimalRecord() {
    MeteringSubscription decimal = customers.subscribed("cust-decimal", "requests");
    MeteringSubscription whole = customers.subscribed("cust-whole", "requests");
    CustomerMeteringWorkflow decimalWorkflow = env.start(decimal);
    CustomerMeteringWorkflow wholeWorkflow = env.start(whole);
    env.sleepUntil(at(0, 30));

    // 0.25 by signal, written as raw JSON the way any client may send it.
    WorkflowStub raw = env.client.newUntypedWorkflowStub(workflowId(decimal));
    raw.signal(
        UsageMessages.RECORD_USAGE,
        JSON.createObjectNode()
            .put("id", "d-1")
            .set(
                "usage",
                JSON.createArrayNode()
                    .add(
                        JSON.createObjectNode()
                            .put("dimension", "requests")
                            .put("quantity", new BigDecimal("0.25")))));
    // 17.42 by the validating update, 3 pulled from the usage source.
    decimalWorkflow.reportUsage(
        new UsageReport("d-2", List.of(UsageEntry.now("requests", new BigDecimal("17.420")))));
    usageSource.add(
        new UsageObservation(
            PRODUCT, "cust-decimal", "requests", BigDecimal.valueOf(3), at(0, 40)));
    wholeWorkflow.reportUsage(new UsageReport("w-1", List.of(UsageEntry.now("requests", 5))));
    usageSource.add(new UsageObservation(PRODUCT, "cust-whole", "requests", 7, at(0, 45)));

    MeteringStatus open = decimalWorkflow.status();
    assertThat(open.rejectedReports()).isEmpty();
    assertThat(open.openPeriodUsage().get("requests")).isEqualByComparingTo("17.67");

    env.sleepUntil(at(1, 10));

    LedgerEntry billed = single(env.ledger(PRODUCT, "cust-decimal"));
    assertThat(billed.timestamp()).isEqualTo(hour(0));
    assertThat(billed.quantityAsDecimal()).isEqualByComparingTo("20.67");
    assertThat(billed.quantity()).isEqualTo(20);
    LedgerEntry wholeBilled = single(env.ledger(PRODUCT, "cust-whole"));
    assertThat(wholeBilled.quantity()).isEqualTo(12);
    assertThat(wholeBilled.quantityAsDecimal()).isEqualByComparingTo("12");
    assertThat(env.simulator.ledger()).hasSize(2);
    assertThat(env.simulator.deprecatedQuantityRecords())
        .as("records sent with Quantity or AllocatedUsageQuantity")
        .isZero();

    MeteringStatus status = decimalWorkflow.status();
    assertThat(status.recentRecords()).hasSize(1);
    assertThat(status.recentRecords().get(0).status()).isEqualTo(RecordStatus.SUCCESS);
    assertThat(status.recentRecords().get(0).quantity()).isEqualTo(new BigDecimal("20.67"));
    assertThat(status.counters().quantityAccepted()).isEqualTo(new BigDecimal("20.67"));

    // What the activity was asked to send: QuantityAsDecimal for the fraction, and for the whole
    // customer the record exactly as before decimals existed (no quantityAsDecimal field at all).
    assertThat(submittedRecords(decimal))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path("quantityAsDecimal").asText()).isEqualTo("20.67");
              assertThat(r.path("quantity").intValue()).isEqualTo(20);
            });
    assertThat(submittedRecords(whole))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.has("quantityAsDecimal")).isFalse();
              assertThat(r.path("quantity").isIntegralNumber()).isTrue();
              assertThat(r.path("quantity").intValue()).isEqualTo(12);
            });
  }

  @Test
  void aDecimalAboveTheFieldsLimitIsBilledAtTheLimitAndTheRestCarriedExactly() {
    MeteringSubscription subscription = customers.subscribed("cust-huge", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    // 5 x 2,147,483,647 + 0.5 = 10,737,418,235.5: above QuantityAsDecimal's 9,999,999,999.999999.
    List<UsageEntry> entries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      entries.add(UsageEntry.now("requests", Integer.MAX_VALUE));
    }
    entries.add(UsageEntry.now("requests", new BigDecimal("0.5")));
    workflow.reportUsage(new UsageReport("huge", entries));

    env.sleepUntil(at(2, 10));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-huge");
    assertThat(ledger)
        .extracting(LedgerEntry::timestamp, e -> e.quantityAsDecimal().toPlainString())
        .containsExactly(tuple(hour(0), "9999999999.999999"), tuple(hour(1), "737418235.500001"));
    MeteringStatus status = workflow.status();
    assertThat(status.carried())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.reason()).isEqualTo("OVER_MAX");
              assertThat(c.quantity()).isEqualTo(new BigDecimal("737418235.500001"));
            });
    assertThat(status.counters().quantityAccepted()).isEqualTo(new BigDecimal("10737418235.5"));
  }

  private static LedgerEntry single(List<LedgerEntry> ledger) {
    assertThat(ledger).hasSize(1);
    return ledger.get(0);
  }

  /** The usage records of every submission the workflow scheduled, as the JSON in its history. */
  private List<JsonNode> submittedRecords(MeteringSubscription subscription) {
    List<JsonNode> records = new ArrayList<>();
    for (HistoryEvent event :
        env.client.fetchHistory(workflowId(subscription)).getHistory().getEventsList()) {
      if (event.getEventType() != EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        continue;
      }
      var scheduled = event.getActivityTaskScheduledEventAttributes();
      if (!scheduled.getActivityType().getName().startsWith("Submit")) {
        continue;
      }
      JsonNode input = read(scheduled.getInput().getPayloads(0).getData().toByteArray());
      input.path("records").forEach(records::add);
    }
    return records;
  }

  private static JsonNode read(byte[] json) {
    try {
      return JSON.readTree(new String(json, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
