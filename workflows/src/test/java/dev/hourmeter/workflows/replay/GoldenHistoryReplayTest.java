package dev.hourmeter.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.workflows.CustomerMetering;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.AgreementLink;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MigrationResult;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.UpsertWorkflowSearchAttributesEventAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.ReplayResults;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

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

  /** The folder of the versioning baseline: version 1.0, the first release. */
  private static final String BASELINE = "1.0";

  /**
   * The scenarios GoldenHistoryRecorder (worker module) records; each must be covered by at least
   * one history, in whichever folder.
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
          "tagged-usage",
          "agreement-hand-over-old",
          "agreement-hand-over-successor",
          "close-spread");

  /**
   * Replays every golden history in one {@link WorkflowReplayer#replayWorkflowExecutions} call (one
   * replay worker for all of them). Each history is replayed under its file's path as workflow id,
   * so a failure names the history that failed.
   */
  @Test
  void everyGoldenHistoryReplaysAgainstTheCurrentWorkflow() throws Exception {
    List<WorkflowExecutionHistory> histories = named(histories());
    assertThat(histories).as("golden histories under %s", GOLDEN).isNotEmpty();

    ReplayResults results =
        WorkflowReplayer.replayWorkflowExecutions(
            histories, false, CustomerMeteringWorkflowImpl.class);

    if (results.hadAnyError()) {
      List<ReplayResults.ReplayError> errors = List.copyOf(results.allErrors());
      AssertionError failure =
          new AssertionError(
              errors.size()
                  + " golden histor"
                  + (errors.size() == 1 ? "y" : "ies")
                  + " no longer replay: guard the change with Workflow.getVersion"
                  + " (docs/workflow-versioning.md); never re-record a golden history:\n"
                  + errors.stream()
                      .map(e -> "  " + e.workflowId + ": " + e.exception)
                      .collect(Collectors.joining("\n")),
              errors.get(0).exception);
      errors.stream().skip(1).forEach(e -> failure.addSuppressed(e.exception));
      throw failure;
    }
  }

  /**
   * The rule's last line of defence: a new command issued unguarded at the very top of the workflow
   * (here a side effect, recorded as a marker, before the real logic, in a test-only implementation
   * registered under the same workflow type) fails the replay of every baseline history, each
   * reported by name.
   */
  @Test
  void anUnguardedCommandAtTheTopFailsEveryBaselineHistory() throws Exception {
    List<Path> baseline = baselineHistories();
    assertThat(baseline).as("histories of the baseline " + BASELINE).isNotEmpty();

    ReplayResults results =
        WorkflowReplayer.replayWorkflowExecutions(
            named(baseline), false, SideEffectFirstWorkflow.class);

    assertThat(results.allErrors())
        .extracting(e -> e.workflowId)
        .containsExactlyInAnyOrderElementsOf(
            baseline.stream().map(p -> GOLDEN.relativize(p).toString()).toList());
    assertThat(results.allErrors())
        .allSatisfy(
            e ->
                assertThat(e.exception)
                    .hasMessageContaining(NonDeterministicException.class.getName()));
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

  /** The real workflow behind one unguarded extra command: a side effect before anything else. */
  public static class SideEffectFirstWorkflow implements CustomerMetering {

    private final CustomerMeteringWorkflowImpl workflow;

    @WorkflowInit
    public SideEffectFirstWorkflow(CustomerMeteringInput input) {
      workflow = new CustomerMeteringWorkflowImpl(input);
    }

    @Override
    public void run(CustomerMeteringInput input) {
      Workflow.sideEffect(Integer.class, () -> 1);
      workflow.run(input);
    }

    @Override
    public void entitlementsChanged() {
      workflow.entitlementsChanged();
    }

    @Override
    public void unsubscribe() {
      workflow.unsubscribe();
    }

    @Override
    public MigrationResult migrateIdentity(IdentityMigration request) {
      return workflow.migrateIdentity(request);
    }

    @Override
    public void validateMigrateIdentity(IdentityMigration request) {
      workflow.validateMigrateIdentity(request);
    }

    @Override
    public void subscriptionEnded() {
      workflow.subscriptionEnded();
    }

    @Override
    public void agreementEnded(AgreementEnd end) {
      workflow.agreementEnded(end);
    }

    @Override
    public void takeOver(AgreementLink predecessor) {
      workflow.takeOver(predecessor);
    }

    @Override
    public MeteringStatus status() {
      return workflow.status();
    }
  }

  /** Each history with its path under {@link #GOLDEN} as workflow id. */
  private static List<WorkflowExecutionHistory> named(List<Path> files) {
    return files.stream()
        .map(
            p ->
                new WorkflowExecutionHistory(read(p).getHistory(), GOLDEN.relativize(p).toString()))
        .toList();
  }

  private static List<Path> baselineHistories() {
    return histories().stream().filter(p -> p.startsWith(GOLDEN.resolve(BASELINE))).toList();
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
