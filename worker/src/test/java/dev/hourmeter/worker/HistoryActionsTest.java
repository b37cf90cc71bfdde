package dev.hourmeter.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryActionsTest {

  private static final Instant T0 = Instant.parse("2026-11-26T01:05:00Z");

  @Test
  void eachActionIsDatedByItsEventAndATasksLocalActivitiesCountOnceAtTheFirstMarker() {
    List<HistoryEvent> history =
        List.of(
            event(0, EventType.EVENT_TYPE_TIMER_FIRED), // not an action
            event(1, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
            marker(2, "LocalActivity"),
            marker(3, "LocalActivity"),
            marker(3, "Version"), // a version marker is not an action
            started(4, 3), // the third attempt: three actions
            event(5, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
            event(6, EventType.EVENT_TYPE_TIMER_STARTED),
            event(7, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
            marker(8, "LocalActivity"));

    assertThat(HistoryActions.instants(history))
        .containsExactly(at(2), at(4), at(4), at(4), at(6), at(8));
    assertThat(HistoryActions.count(history)).isEqualTo(6);
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static HistoryEvent event(int seconds, EventType type) {
    return builder(seconds, type).build();
  }

  private static HistoryEvent marker(int seconds, String name) {
    return builder(seconds, EventType.EVENT_TYPE_MARKER_RECORDED)
        .setMarkerRecordedEventAttributes(
            MarkerRecordedEventAttributes.newBuilder().setMarkerName(name))
        .build();
  }

  private static HistoryEvent started(int seconds, int attempt) {
    return builder(seconds, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
        .setActivityTaskStartedEventAttributes(
            ActivityTaskStartedEventAttributes.newBuilder().setAttempt(attempt))
        .build();
  }

  private static HistoryEvent.Builder builder(int seconds, EventType type) {
    Instant at = at(seconds);
    return HistoryEvent.newBuilder()
        .setEventType(type)
        .setEventTime(
            Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
  }
}
