package dev.hourmeter.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.UpsertWorkflowSearchAttributesEventAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every checked-in golden history ({@code src/test/resources/golden-histories/**}/*.json)
 * against the current {@link CustomerMeteringWorkflowImpl}. A change to the workflow's command
 * sequence that is not guarded by {@code Workflow.getVersion} fails here, before it can strand a
 * running customer. The rule and the recorder: docs/workflow-versioning.md.
 */
class GoldenHistoryReplayTest {

  /** Read from the source tree, so that a deleted file cannot survive as a stale build copy. */
  private static final Path GOLDEN =
      Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "golden-histories");

  /**
   * The scenarios GoldenHistoryRecorderTest (worker module) records; each must be covered by at
   * least one history, in whichever version folder.
   */
  private static final List<String> SCENARIOS =
      List.of(
          "ordinary-zero-records",
          "late-usage-carried",
          "suspended-then-entitled",
          "receipt-resent-verified",
          "receipt-unverified",
          "continue-as-new",
          "unsubscribe-final-flush",
          "usage-reports-rejected-duplicate-refused",
          "contract-customer",
          "aws-outage-longer-than-window",
          "many-signals-continue-as-new-from-wait",
          "submission-unconfirmed",
          "out-of-window-carried",
          "receipt-resend-refused-unverified",
          "unsubscribe-during-aws-outage",
          "pulled-usage-late-lines",
          "month-end-carried",
          "migration",
          "subscription-ended-without-sending",
          "tagged-usage");

  static Stream<String> goldenHistories() {
    return histories().stream().map(p -> GOLDEN.relativize(p).toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenHistories")
  void replaysAgainstTheCurrentWorkflow(String file) {
    try {
      WorkflowReplayer.replayWorkflowExecution(
          read(GOLDEN.resolve(file)), CustomerMeteringWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError(
          "golden history "
              + file
              + " no longer replays: guard the change with Workflow.getVersion"
              + " (docs/workflow-versioning.md); never re-record a golden history",
          e);
    }
  }

  @Test
  void everyScenarioHasAGoldenHistory() {
    List<String> names =
        histories().stream().map(p -> p.getFileName().toString().replace(".json", "")).toList();
    assertThat(names)
        .as("golden histories under %s", GOLDEN)
        .hasSizeGreaterThanOrEqualTo(SCENARIOS.size());
    for (String scenario : SCENARIOS) {
      assertThat(names)
          .as("a golden history of scenario %s", scenario)
          .anyMatch(n -> n.equals(scenario) || n.startsWith(scenario + "-run-"));
    }
  }

  @Test
  void aChangedActivityTypeIsReportedAsNonDeterministic() throws Exception {
    WorkflowExecutionHistory golden = firstGoldenWith(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    WorkflowReplayer.replayWorkflowExecution(golden, CustomerMeteringWorkflowImpl.class);

    History history = golden.getHistory();
    int scheduled = indexOf(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    HistoryEvent event = history.getEvents(scheduled);
    HistoryEvent renamed =
        event.toBuilder()
            .setActivityTaskScheduledEventAttributes(
                event.getActivityTaskScheduledEventAttributes().toBuilder()
                    .setActivityType(ActivityType.newBuilder().setName("SubmitSomethingElse")))
            .build();
    WorkflowExecutionHistory altered =
        new WorkflowExecutionHistory(
            history.toBuilder().setEvents(scheduled, renamed).build(),
            golden.getWorkflowExecution().getWorkflowId());

    assertThatThrownBy(
            () ->
                WorkflowReplayer.replayWorkflowExecution(
                    altered, CustomerMeteringWorkflowImpl.class))
        .hasMessageContaining(NonDeterministicException.class.getName())
        .hasMessageContaining("on check activityType")
        .hasMessageContaining("SubmitSomethingElse");
  }

  @Test
  void aTimerReplacedByAnotherCommandIsReportedAsNonDeterministic() {
    WorkflowExecutionHistory golden = firstGoldenWith(EventType.EVENT_TYPE_TIMER_STARTED);
    History history = golden.getHistory();
    int started = indexOf(history, EventType.EVENT_TYPE_TIMER_STARTED);
    // Where the workflow started its first timer, the history now says it upserted a search
    // attribute (same event id and task, so only the command differs).
    HistoryEvent timer = history.getEvents(started);
    HistoryEvent other =
        HistoryEvent.newBuilder()
            .setEventId(timer.getEventId())
            .setEventTime(timer.getEventTime())
            .setEventType(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
            .setUpsertWorkflowSearchAttributesEventAttributes(
                UpsertWorkflowSearchAttributesEventAttributes.newBuilder()
                    .setWorkflowTaskCompletedEventId(
                        timer.getTimerStartedEventAttributes().getWorkflowTaskCompletedEventId()))
            .build();
    WorkflowExecutionHistory altered =
        new WorkflowExecutionHistory(
            history.toBuilder().setEvents(started, other).build(),
            golden.getWorkflowExecution().getWorkflowId());

    assertThatThrownBy(
            () ->
                WorkflowReplayer.replayWorkflowExecution(
                    altered, CustomerMeteringWorkflowImpl.class))
        .hasMessageContaining(NonDeterministicException.class.getName())
        .hasMessageContaining("does not match command type COMMAND_TYPE_START_TIMER");
  }

  private static WorkflowExecutionHistory firstGoldenWith(EventType type) {
    return histories().stream()
        .map(GoldenHistoryReplayTest::read)
        .filter(h -> h.getEvents().stream().anyMatch(e -> e.getEventType() == type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no golden history has a " + type));
  }

  private static int indexOf(History history, EventType type) {
    for (int i = 0; i < history.getEventsCount(); i++) {
      if (history.getEvents(i).getEventType() == type) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " in the golden history");
  }

  private static List<Path> histories() {
    try (Stream<Path> files = Files.walk(GOLDEN)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + GOLDEN.toAbsolutePath(), e);
    }
  }

  private static WorkflowExecutionHistory read(Path file) {
    try {
      return WorkflowExecutionHistory.fromJson(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
