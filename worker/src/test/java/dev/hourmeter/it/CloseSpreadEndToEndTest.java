package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.WorkflowChanges;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.state.CloseOffset;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.WorkflowReplayer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A customer whose periods close at its offset in a PT20M close spread, on the real activities and
 * the simulator's ledger (time skipping): it closes at the period's end plus grace plus its offset
 * (not at the end plus grace, where every customer closed before), its records are still stamped
 * with the hour, and usage reported between the hour and its close lands in the period its
 * timestamp falls in. The status, the timer summary and the Web UI's current details show the
 * offset.
 */
class CloseSpreadEndToEndTest {

  private static final String PRODUCT = "prod-spread";
  private static final Duration SPREAD = Duration.ofMinutes(20);
  private static final Duration GRACE = Duration.ofMinutes(5);

  private final InMemoryUsageSource usageSource = new InMemoryUsageSource();
  private final MeteringTestEnvironment env = new MeteringTestEnvironment(usageSource);
  private final TestCustomers customers = new TestCustomers(env, PRODUCT);

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void theCustomerClosesAtItsOffsetAndUsageBeforeTheCloseLandsInThePeriodOfItsTimestamp() {
    MeteringSubscription plain = customers.subscribed("cust-spread", "requests");
    MeteringSubscription subscription =
        plain.withTuning(plain.tuning().toBuilder().closeSpread(SPREAD).build());
    String workflowId = TestCustomers.workflowId(subscription);
    Duration offset = CloseOffset.of(workflowId, SPREAD);
    assertThat(offset)
        .as("this customer's offset: far enough from both ends for the steps below")
        .isBetween(Duration.ofMinutes(5), Duration.ofMinutes(18));
    Instant firstClose = hour(1).plus(GRACE).plus(offset);
    CustomerMeteringWorkflow workflow = env.start(subscription);
    report(workflow, "on-time", at(0, 30), "requests", at(0, 30), 3);

    MeteringStatus waiting = workflow.status();
    assertThat(waiting.closeOffset()).isEqualTo(offset);
    assertThat(waiting.nextCloseAt()).isEqualTo(firstClose);

    // Past the hour and past where every customer used to close (01:05), before this one's close.
    Instant beforeClose = firstClose.minus(Duration.ofMinutes(1));
    env.sleepUntil(beforeClose);
    assertThat(env.ledger(PRODUCT, "cust-spread"))
        .as("nothing sent at the period's end plus grace: the close waits for the offset")
        .isEmpty();
    report(workflow, "in-hour-0", beforeClose, "requests", at(0, 50), 2);
    report(workflow, "in-hour-1", beforeClose, "requests", at(1, 2), 4);
    usageSource.add(
        new UsageObservation(PRODUCT, "cust-spread", "requests", 6, at(0, 55))); // written late

    env.sleepUntil(firstClose.plus(Duration.ofMinutes(1)));
    LedgerEntry first = env.ledger(PRODUCT, "cust-spread").getFirst();
    assertThat(first.timestamp()).as("stamped with the hour, not the close").isEqualTo(hour(0));
    assertThat(first.quantity())
        .as("the pushed usage dated in hour 0 and the source's line written after 01:05")
        .isEqualTo(3 + 2 + 6);
    assertThat(first.acceptedAt())
        .as("sent at the customer's close")
        .isAfterOrEqualTo(firstClose)
        .isBefore(firstClose.plus(Duration.ofMinutes(1)));

    env.sleepUntil(firstClose.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(1)));
    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-spread");
    assertThat(ledger)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 11L), tuple(hour(1), 4L));
    assertThat(ledger.get(1).acceptedAt())
        .as("every period closes at the same offset")
        .isAfterOrEqualTo(firstClose.plus(Duration.ofHours(1)))
        .isBefore(firstClose.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(1)));
    MeteringStatus status = workflow.status();
    assertThat(status.carried()).as("nothing counted late").isEmpty();
    assertThat(status.closeOffset()).isEqualTo(offset);
    assertThat(status.nextCloseAt()).isEqualTo(firstClose.plus(Duration.ofHours(2)));

    List<HistoryEvent> history = env.client.fetchHistory(workflowId).getEvents();
    assertThat(history)
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .filteredOn(e -> e.getMarkerRecordedEventAttributes().getMarkerName().equals("Version"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(
                        DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                            e.getMarkerRecordedEventAttributes()
                                .getDetailsOrThrow("changeId")
                                .getPayloads(0),
                            String.class,
                            String.class))
                    .isEqualTo(WorkflowChanges.CLOSE_SPREAD));
    assertThat(history)
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
        .extracting(CloseSpreadEndToEndTest::summary)
        .startsWith(
            "close period " + hour(0) + " (offset " + offset + " of spread " + SPREAD + ")",
            "close period " + hour(1) + " (offset " + offset + " of spread " + SPREAD + ")");
    WorkflowMetadata metadata =
        env.client
            .newUntypedWorkflowStub(workflowId)
            .query("__temporal_workflow_metadata", WorkflowMetadata.class);
    assertThat(metadata.getCurrentDetails())
        .contains(
            "**Closes** each period "
                + GRACE
                + " + "
                + offset
                + " (its offset in the close spread "
                + SPREAD
                + ") after it ends");
    try {
      WorkflowReplayer.replayWorkflowExecution(
          env.client.fetchHistory(workflowId), CustomerMeteringWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError("history does not replay", e);
    }
  }

  private void report(
      CustomerMeteringWorkflow workflow,
      String id,
      Instant sentAt,
      String dimension,
      Instant dated,
      long quantity) {
    env.sleepUntil(sentAt);
    assertThat(
            workflow
                .reportUsage(
                    new UsageReport(
                        id, List.of(new UsageEntry(dimension, quantity, dated.toString()))))
                .duplicate())
        .isFalse();
  }

  private static String summary(HistoryEvent event) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        event.getUserMetadata().getSummary(), String.class, String.class);
  }
}
