package dev.hourmeter.worker;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Billable Temporal actions in a workflow history, as Temporal Cloud counts them: the start, timer
 * starts, activity attempts (retries included), signals, accepted updates, search-attribute
 * upserts, continue-as-new, and local activities once per workflow task that ran any.
 */
public final class HistoryActions {

  private HistoryActions() {}

  public static long count(List<HistoryEvent> events) {
    long actions = 0;
    int workflowTask = 0;
    Set<Integer> tasksWithLocalActivities = new HashSet<>();
    for (HistoryEvent event : events) {
      EventType type = event.getEventType();
      switch (type) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            EVENT_TYPE_TIMER_STARTED,
            EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
            EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ->
            actions++;
        case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
            actions += event.getActivityTaskStartedEventAttributes().getAttempt();
        case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> workflowTask++;
        case EVENT_TYPE_MARKER_RECORDED -> {
          if ("LocalActivity".equals(event.getMarkerRecordedEventAttributes().getMarkerName())) {
            tasksWithLocalActivities.add(workflowTask);
          }
        }
        default -> {}
      }
    }
    return actions + tasksWithLocalActivities.size();
  }
}
