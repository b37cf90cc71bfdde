package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.client.usage.EventOutcome;
import dev.hourmeter.client.usage.EventOutcome.Status;
import dev.hourmeter.client.usage.UsageEvent;
import dev.hourmeter.client.usage.UsageReporter;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.UsageMessages;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.UsageBatchReceipt;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code reportUsageBatch} update and the {@link UsageReporter} over it: one update per
 * customer, an outcome per event, one bad event never loses the others, billed exactly once in the
 * simulator's ledger. Real workflow, real activities, simulator over HTTP, time skipping.
 */
class UsageReporterWorkflowTest {

  private static final String PRODUCT = "prod-reporter";

  private final MeteringTestEnvironment env =
      new MeteringTestEnvironment(new InMemoryUsageSource());
  private final TestCustomers customers = new TestCustomers(env, PRODUCT);

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void eachEventOfABatchGetsItsOwnOutcomeAndOnlyTheAcceptedAreBilledOnce() {
    MeteringSubscription a = customers.subscribed("cust-a", "requests");
    MeteringSubscription b = customers.subscribed("cust-b", "requests", "storage");
    CustomerMeteringWorkflow workflowA = env.start(a);
    env.start(b);
    env.sleepUntil(at(0, 30));
    UsageReporter reporter = new UsageReporter(env.client);

    List<EventOutcome> first =
        reporter.report(
            List.of(
                event("a-1", "cust-a", "requests", "5"),
                event("b-1", "cust-b", "storage", "2.5"),
                event("a-bad-dim", "cust-a", "storage", "1"), // cust-a does not meter storage
                event("a-2", "cust-a", "requests", "3"),
                event("a-1", "cust-a", "requests", "5"), // the same id again in the batch
                event("b-neg", "cust-b", "requests", "-1"),
                event("a-conflict", "cust-a", "requests", "1"),
                event("nobody-1", "cust-none", "requests", "1"),
                event("", "cust-a", "requests", "1")));
    assertThat(first)
        .extracting(EventOutcome::status)
        .containsExactly(
            Status.ACCEPTED,
            Status.ACCEPTED,
            Status.REFUSED,
            Status.ACCEPTED,
            Status.DUPLICATE,
            Status.REFUSED,
            Status.ACCEPTED,
            Status.REFUSED,
            Status.REFUSED);
    assertThat(first.get(2).reason()).contains("dimension");
    assertThat(first.get(2).code()).isEqualTo(EventOutcome.Codes.INVALID);
    assertThat(first.get(2).retryable()).isFalse();
    assertThat(first.get(5).reason()).contains("quantity");
    assertThat(first.get(7).code()).isEqualTo(EventOutcome.Codes.NOT_RUNNING);
    assertThat(first.get(7).retryable()).isFalse();
    assertThat(first.get(8).reason()).startsWith("id:");

    // A second call: a duplicate, a conflict (same id, other usage) and a new one.
    List<EventOutcome> second =
        reporter.report(
            List.of(
                event("a-2", "cust-a", "requests", "3"),
                event("a-conflict", "cust-a", "requests", "2"),
                event("a-3", "cust-a", "requests", "0.25")));
    assertThat(second)
        .extracting(EventOutcome::status)
        .containsExactly(Status.DUPLICATE, Status.REFUSED, Status.ACCEPTED);
    assertThat(second.get(1).code()).isEqualTo(EventOutcome.Codes.CONFLICT);

    MeteringStatus status = env.status(workflowA);
    assertThat(status.counters().rejectedReports()).isEqualTo(2); // a-bad-dim, a-conflict
    assertThat(status.rejectedReports())
        .extracting(r -> r.reportId())
        .contains("a-bad-dim", "a-conflict");

    env.sleepUntil(at(1, 10));
    assertThat(quantity(env.ledger(PRODUCT, "cust-a"), "requests"))
        .isEqualByComparingTo("9.25"); // 5 + 3 + 1 + 0.25
    assertThat(quantity(env.ledger(PRODUCT, "cust-b"), "storage")).isEqualByComparingTo("2.5");
    assertThat(env.ledger(PRODUCT, "cust-b"))
        .allSatisfy(e -> assertThat(e.timestamp()).isEqualTo(hour(0)));
  }

  @Test
  void aBatchIsRefusedAsAWholeOnlyWhenEmptyTooManyTooHeavyOrTheSubscriptionEnded() {
    MeteringSubscription a = customers.subscribed("cust-batch", "requests");
    CustomerMeteringWorkflow workflow = env.start(a);
    env.sleepUntil(at(0, 30));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> workflow.reportUsageBatch(List.of()))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .isInstanceOf(ApplicationFailure.class)
        .hasFieldOrPropertyWithValue(
            "originalMessage", "reports: must hold 1 to 1000 reports, got 0");
    List<UsageReport> tooMany = new ArrayList<>();
    for (int i = 0; i <= UsageMessages.MAX_BATCH_REPORTS; i++) {
      tooMany.add(new UsageReport("r-" + i, List.of(UsageEntry.now("requests", 1))));
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> workflow.reportUsageBatch(tooMany))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .isInstanceOf(ApplicationFailure.class)
        .hasFieldOrPropertyWithValue(
            "originalMessage", "reports: must hold 1 to 1000 reports, got 1001");

    // 600 reports with the largest ids and tags allowed: about 1.3 MB, under the count limit but
    // over the byte limit (accepting it would put the whole input in the workflow task's answer).
    Map<String, String> tags = new java.util.TreeMap<>();
    for (int t = 0; t < 5; t++) {
      tags.put(("k" + t).repeat(50), ("value-" + t + "-").repeat(32));
    }
    List<UsageReport> heavy = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      heavy.add(
          new UsageReport(
              String.format("%05d-", i).repeat(42),
              List.of(new UsageEntry("requests", BigDecimal.ONE, null, tags))));
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> workflow.reportUsageBatch(heavy))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("bytes serialized, over the limit of 1048576");
    assertThat(workflow.status().rememberedReportIds()).isZero();

    List<UsageBatchReceipt> receipts =
        workflow.reportUsageBatch(tooMany.subList(0, UsageMessages.MAX_BATCH_REPORTS)).receipts();
    assertThat(receipts)
        .hasSize(1000)
        .allMatch(r -> r.status() == UsageBatchReceipt.Status.ACCEPTED);

    workflow.unsubscribe();
    List<EventOutcome> after =
        new UsageReporter(env.client)
            .report(List.of(event("late-1", "cust-batch", "requests", "1")));
    assertThat(after.get(0).status()).isEqualTo(Status.REFUSED);
    assertThat(after.get(0).code()).isIn(EventOutcome.Codes.ENDED, EventOutcome.Codes.NOT_RUNNING);
    assertThat(after.get(0).retryable()).isFalse();
    env.sleepUntil(at(1, 10));
    assertThat(quantity(env.ledger(PRODUCT, "cust-batch"), "requests"))
        .isEqualByComparingTo("1000");
  }

  @Test
  void aCustomersEventsOverTheByteLimitTravelInSeveralUpdatesInOrderAndAreBilledExactly() {
    env.start(customers.subscribed("cust-large", "requests"));
    env.start(customers.subscribed("cust-small", "requests"));
    env.sleepUntil(at(0, 30));
    UsageReporter reporter = new UsageReporter(env.client);

    // A normal batch: one update per customer, however many events.
    List<UsageEvent> normal = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      normal.add(event("n-" + i, i % 2 == 0 ? "cust-large" : "cust-small", "requests", "1"));
    }
    assertThat(reporter.report(normal))
        .extracting(EventOutcome::status)
        .containsOnly(Status.ACCEPTED);
    assertThat(updates("cust-large")).isEqualTo(1);
    assertThat(updates("cust-small")).isEqualTo(1);

    // 1,000 events with the largest ids and tags allowed, about 2.1 MB once serialized (one
    // update that size would be refused by a real server), then the first one's id again.
    List<UsageEvent> large = new ArrayList<>();
    Map<String, String> tags = new java.util.TreeMap<>();
    for (int t = 0; t < 5; t++) {
      tags.put(("k" + t).repeat(50), ("value-" + t + "-").repeat(32));
    }
    BigDecimal expected = new BigDecimal(100); // the normal batch's 100 events of 1
    for (int i = 0; i < UsageMessages.MAX_BATCH_REPORTS; i++) {
      BigDecimal quantity = BigDecimal.valueOf(1 + i % 7);
      large.add(
          event(String.format("%05d-", i).repeat(42), "cust-large", "requests", quantity.toString())
              .withTags(tags));
      expected = expected.add(quantity);
    }
    large.add(large.get(0));
    List<EventOutcome> outcomes = reporter.report(large);
    assertThat(outcomes.subList(0, UsageMessages.MAX_BATCH_REPORTS))
        .extracting(EventOutcome::status)
        .containsOnly(Status.ACCEPTED);
    assertThat(outcomes.get(UsageMessages.MAX_BATCH_REPORTS).status()).isEqualTo(Status.DUPLICATE);
    // 512 KiB each: 5 updates for about 2.1 MB.
    assertThat(updates("cust-large")).isEqualTo(1 + 5);

    env.sleepUntil(at(1, 10));
    assertThat(quantity(env.ledger(PRODUCT, "cust-large"), "requests"))
        .isEqualByComparingTo(expected);
    assertThat(quantity(env.ledger(PRODUCT, "cust-small"), "requests")).isEqualByComparingTo("100");
  }

  /** The updates {@code customer}'s workflow accepted (its history's acceptance events). */
  private long updates(String customer) {
    return env.client.fetchHistory(customers.workflowId(customer)).getEvents().stream()
        .filter(
            e ->
                e.getEventType()
                    == io.temporal.api.enums.v1.EventType
                        .EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .count();
  }

  private static UsageEvent event(String id, String customer, String dimension, String quantity) {
    return new UsageEvent(
        id, PRODUCT, customer, null, dimension, new BigDecimal(quantity), null, Map.of());
  }

  private static BigDecimal quantity(List<LedgerEntry> ledger, String dimension) {
    return ledger.stream()
        .filter(e -> e.dimension().equals(dimension))
        .map(LedgerEntry::quantityAsDecimal)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }
}
