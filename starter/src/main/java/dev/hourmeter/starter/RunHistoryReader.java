package dev.hourmeter.starter;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.SubmissionRequest;
import dev.hourmeter.workflows.model.activity.SubmissionResult;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.state.CustomerState;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.converter.DataConverter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the last known state of a closed run out of its event history, without replaying the
 * workflow: the input it started from, the submissions it completed and left in flight, the usage
 * messages it received, and how it closed.
 */
final class RunHistoryReader {

  static final String SUBMIT_ACTIVITY = "SubmitUsageRecords";
  static final String USAGE_SIGNAL = "recordUsage";
  static final String USAGE_UPDATE = "reportUsage";
  static final String USAGE_BATCH_UPDATE = "reportUsageBatch";

  private final DataConverter converter;

  RunHistoryReader(DataConverter converter) {
    this.converter = converter;
  }

  /** How a run closed, from its last event: the terminate reason or the failure message. */
  static String closeReason(HistoryEvent last) {
    return switch (last.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> {
        var a = last.getWorkflowExecutionTerminatedEventAttributes();
        yield "terminated: "
            + (a.getReason().isBlank() ? "(no reason given)" : a.getReason())
            + (a.getIdentity().isBlank() ? "" : " (by " + a.getIdentity() + ")");
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ->
          "failed: " + last.getWorkflowExecutionFailedEventAttributes().getFailure().getMessage();
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT -> "timed out (workflow run timeout)";
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED -> "canceled";
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> "completed (unsubscribed)";
      case EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> "continued as new";
      default -> "closed (" + last.getEventType() + ")";
    };
  }

  /** The last state found in a run's history. */
  ClosedRun.LastKnown lastKnown(String workflowId, List<HistoryEvent> events) {
    Instant runStartedAt = null;
    MeteringStatus checkpoint = null;
    String checkpointProblem = null;
    Map<Long, SubmissionRequest> scheduled = new LinkedHashMap<>();
    int completed = 0;
    Instant lastSubmissionAt = null;
    List<RecordResult> lastSubmission = List.of();
    int signals = 0;
    int updates = 0;
    for (HistoryEvent event : events) {
      switch (event.getEventType()) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> {
          runStartedAt = instant(event);
          try {
            CustomerMeteringInput input =
                decode(
                    event.getWorkflowExecutionStartedEventAttributes().getInput(),
                    CustomerMeteringInput.class);
            checkpoint =
                CustomerState.fromCheckpoint(input.subscription(), input.checkpoint(), runStartedAt)
                    .toStatus(workflowId, runStartedAt);
          } catch (RuntimeException e) {
            checkpointProblem = "the run's input cannot be read: " + e.getMessage();
          }
        }
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
          ActivityTaskScheduledEventAttributes a = event.getActivityTaskScheduledEventAttributes();
          if (SUBMIT_ACTIVITY.equals(a.getActivityType().getName())) {
            scheduled.put(event.getEventId(), decodeOrNull(a.getInput(), SubmissionRequest.class));
          }
        }
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          var a = event.getActivityTaskCompletedEventAttributes();
          if (scheduled.containsKey(a.getScheduledEventId())) {
            scheduled.remove(a.getScheduledEventId());
            completed++;
            lastSubmissionAt = instant(event);
            SubmissionResult result = decodeOrNull(a.getResult(), SubmissionResult.class);
            lastSubmission = result == null ? List.of() : result.results();
          }
        }
        case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
            scheduled.remove(event.getActivityTaskFailedEventAttributes().getScheduledEventId());
        case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT ->
            scheduled.remove(event.getActivityTaskTimedOutEventAttributes().getScheduledEventId());
        case EVENT_TYPE_ACTIVITY_TASK_CANCELED ->
            scheduled.remove(event.getActivityTaskCanceledEventAttributes().getScheduledEventId());
        case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> {
          if (USAGE_SIGNAL.equals(
              event.getWorkflowExecutionSignaledEventAttributes().getSignalName())) {
            signals++;
          }
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED -> {
          String name =
              event
                  .getWorkflowExecutionUpdateAcceptedEventAttributes()
                  .getAcceptedRequest()
                  .getInput()
                  .getName();
          if (USAGE_UPDATE.equals(name) || USAGE_BATCH_UPDATE.equals(name)) {
            updates++;
          }
        }
        default -> {
          // Other events say nothing an operator needs here.
        }
      }
    }
    List<MeteringRecord> inFlight = new ArrayList<>();
    for (SubmissionRequest request : scheduled.values()) {
      if (request != null) {
        inFlight.addAll(request.records());
      }
    }
    return new ClosedRun.LastKnown(
        runStartedAt,
        checkpoint,
        checkpointProblem,
        completed,
        lastSubmissionAt,
        lastSubmission,
        inFlight,
        signals,
        updates);
  }

  private <T> T decode(Payloads payloads, Class<T> type) {
    return converter.fromPayloads(0, Optional.of(payloads), type, type);
  }

  /** A payload that no longer reads (an older shape) is left out rather than failing status. */
  private <T> T decodeOrNull(Payloads payloads, Class<T> type) {
    try {
      return decode(payloads, type);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Instant instant(HistoryEvent event) {
    return Instant.ofEpochSecond(
        event.getEventTime().getSeconds(), event.getEventTime().getNanos());
  }
}
