package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hourmeter.client.usage.EventOutcome;
import dev.hourmeter.client.usage.UsageEvent;
import dev.hourmeter.client.usage.UsageReporter;
import dev.hourmeter.devtools.DevStackFixture;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.UsageMessages;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the real Temporal dev server (which enforces the 2 MB payload limit, unlike the in-memory test
 * server): 1,000 events of one customer carrying the largest tags and ids allowed weigh over 2 MB
 * once serialized. The reporter splits them into updates of at most {@link
 * UsageReporter#DEFAULT_MAX_UPDATE_BYTES}, each event is accepted, and the simulator bills their
 * sum exactly once. The same events in one update, as the reporter sent them before it counted
 * bytes, are refused by the workflow's validator for their size ({@link
 * UsageMessages#MAX_BATCH_BYTES}) and the workflow runs on (and bills later periods). Before that
 * check the validator accepted them, the server refused the workflow task that accepted the update
 * (its answer carries the update's input, over the 2 MB limit) and Temporal Server 1.32 terminated
 * the workflow.
 */
@Tag("soak")
class UsageReporterSizeIT {

  private static final Logger log = LoggerFactory.getLogger(UsageReporterSizeIT.class);
  private static final String PRODUCT = "hourmeter-demo";
  private static final Duration PERIOD = Duration.ofSeconds(10);

  @Test
  void aCustomersEventsOverTwoMegabytesAreAcceptedInSeveralUpdatesAndBilledOnce() throws Exception {
    try (DevStackFixture dev =
        DevStackFixture.start(TemporalDevServer.requireBinary(), 0, PERIOD)) {
      String split = "size-split";
      String whole = "size-whole";
      start(dev.client(), split);
      start(dev.client(), whole);
      // A minute per update: this test is about sizes, not about a loaded machine's stalls (a
      // first workflow task failed by the deadlock detector made the default 10 s run out once).
      UsageReporter reporter =
          UsageReporter.builder(dev.client()).timeout(Duration.ofMinutes(1)).build();

      // Through the reporter: several updates of at most 512 KiB, every event accepted.
      List<UsageEvent> events = largeEvents(split, UsageMessages.MAX_BATCH_REPORTS);
      long started = System.nanoTime();
      List<EventOutcome> outcomes = reporter.report(events);
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(outcomes)
          .extracting(EventOutcome::status)
          .containsOnly(EventOutcome.Status.ACCEPTED)
          .hasSize(events.size());
      long updates = updates(dev.client(), split);
      log.info(
          "the reporter: {} events ({} bytes serialized) accepted in {} updates, {} ms",
          events.size(),
          serializedBytes(dev.client(), events),
          updates,
          millis);
      assertThat(updates).isEqualTo(5);

      // The same events in one update, as the reporter sent them before it counted bytes: the
      // workflow's validator refuses it for its size (accepted, it would have put 2.1 MB into the
      // workflow task's answer, which Server 1.32 refuses and then terminates the workflow), and
      // the workflow keeps running.
      List<UsageEvent> same = largeEvents(whole, UsageMessages.MAX_BATCH_REPORTS);
      CustomerMeteringWorkflow workflow =
          dev.client()
              .newWorkflowStub(
                  CustomerMeteringWorkflow.class, MeteringWorkflowIds.forCustomer(PRODUCT, whole));
      List<UsageReport> reports =
          same.stream()
              .map(
                  e ->
                      new UsageReport(
                          e.id(),
                          List.of(new UsageEntry(e.dimension(), e.quantity(), null, e.tags()))))
              .toList();
      Throwable refused = catchThrowable(() -> workflow.reportUsageBatch(reports));
      log.info("one update of {} events: {}", reports.size(), String.valueOf(refused));
      // The validator refuses it, but the refusal names the refused request (its 2.1 MB input)
      // and is over the limit too: the server drops the update and the client gets a service
      // error, not the validator's message. What matters: the workflow runs on.
      assertThat(refused)
          .isInstanceOfAny(WorkflowUpdateException.class, WorkflowServiceException.class);
      assertThat(updates(dev.client(), whole)).isZero();
      BigDecimal expected =
          events.stream().map(UsageEvent::quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (billed(dev, split).compareTo(expected) < 0 && Instant.now().isBefore(deadline)) {
        Thread.sleep(500);
      }
      Thread.sleep(PERIOD.plusSeconds(3).toMillis()); // the next close bills nothing more
      assertThat(billed(dev, split)).isEqualByComparingTo(expected);
      // Checked after the periods above: Server 1.32 terminated the workflow shortly after the
      // oversized acceptance when the validator let such a batch through.
      assertThat(
              dev
                  .client()
                  .fetchHistory(MeteringWorkflowIds.forCustomer(PRODUCT, whole))
                  .getEvents()
                  .stream()
                  .map(HistoryEvent::getEventType))
          .as("the workflow refused the oversized batch and was not terminated")
          .doesNotContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED)
          .contains(EventType.EVENT_TYPE_TIMER_FIRED);
      assertThat(workflow.status().state()).isEqualTo(MeteringState.ACTIVE);
    }
  }

  private static long serializedBytes(WorkflowClient client, List<UsageEvent> events) {
    return client
        .getOptions()
        .getDataConverter()
        .toPayload(
            events.stream()
                .map(
                    e ->
                        new UsageReport(
                            e.id(),
                            List.of(new UsageEntry(e.dimension(), e.quantity(), null, e.tags()))))
                .toList())
        .orElseThrow()
        .getData()
        .size();
  }

  /**
   * {@code count} events with the largest ids and tags allowed (5 tags, 100-character keys,
   * 256-character values): about 2.2 KB each once serialized.
   */
  static List<UsageEvent> largeEvents(String customer, int count) {
    Map<String, String> tags = new TreeMap<>();
    for (int t = 0; t < 5; t++) {
      tags.put(("k" + t).repeat(50), ("value-" + t + "-").repeat(32));
    }
    List<UsageEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = String.format("%05d-", i).repeat(42);
      events.add(
          UsageEvent.of(id, PRODUCT, customer, "requests", BigDecimal.valueOf(1 + i % 7))
              .withTags(tags));
    }
    return events;
  }

  /** The updates the customer's workflow accepted. */
  private static long updates(WorkflowClient client, String customer) {
    return client
        .fetchHistory(MeteringWorkflowIds.forCustomer(PRODUCT, customer))
        .getEvents()
        .stream()
        .map(HistoryEvent::getEventType)
        .filter(t -> t == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .count();
  }

  private static BigDecimal billed(DevStackFixture dev, String customer) {
    return dev.simulator().ledger(PRODUCT, customer).stream()
        .filter(e -> e.dimension().equals("requests"))
        .map(LedgerEntry::quantityAsDecimal)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static void start(WorkflowClient client, String customer) {
    MeteringSubscription subscription =
        new MeteringSubscription(
            PRODUCT,
            CustomerId.parse(customer),
            List.of("requests"),
            PricingModel.SUBSCRIPTION,
            PERIOD,
            MeteringTuning.builder(PERIOD).verifyDelay(Duration.ZERO).build());
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class,
            MeteringOptions.customerWorkflow(TaskQueues.METERING, subscription));
    WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
  }
}
