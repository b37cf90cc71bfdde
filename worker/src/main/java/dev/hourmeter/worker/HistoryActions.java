package dev.hourmeter.worker;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Billable Temporal actions in a workflow history, as Temporal Cloud counts them: the start, timer
 * starts, activity attempts (retries included), signals, accepted updates, search-attribute
 * upserts, continue-as-new, and local activities once per workflow task that ran any.
 */
public final class HistoryActions {

  private HistoryActions() {}

  public static long count(List<HistoryEvent> events) {
    return instants(events).size();
  }

  /**
   * When each billable action of {@link #count} happened, in history order: the event's time; an
   * activity's earlier attempts at its last attempt's start (the history keeps no other), a
   * workflow task's local activities at its first marker.
   */
  public static List<Instant> instants(List<HistoryEvent> events) {
    List<Instant> actions = new ArrayList<>();
    int workflowTask = 0;
    int lastTaskWithLocalActivities = -1;
    for (HistoryEvent event : events) {
      Instant at =
          Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos());
      EventType type = event.getEventType();
      switch (type) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            EVENT_TYPE_TIMER_STARTED,
            EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
            EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ->
            actions.add(at);
        case EVENT_TYPE_ACTIVITY_TASK_STARTED -> {
          for (int attempt = 0;
              attempt < event.getActivityTaskStartedEventAttributes().getAttempt();
              attempt++) {
            actions.add(at);
          }
        }
        case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> workflowTask++;
        case EVENT_TYPE_MARKER_RECORDED -> {
          if ("LocalActivity".equals(event.getMarkerRecordedEventAttributes().getMarkerName())
              && lastTaskWithLocalActivities != workflowTask) {
            lastTaskWithLocalActivities = workflowTask;
            actions.add(at);
          }
        }
        default -> {}
      }
    }
    return actions;
  }
}
