package dev.hourmeter.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Every CloudTrail event recorded, delivered or not yet. Thread-safe. */
final class CloudTrailStore {

  /** A recorded event plus the attributes LookupEvents filters and reports on. */
  record StoredEvent(
      long sequence,
      String eventId,
      String eventName,
      String eventSource,
      Instant eventTime,
      String accessKeyId,
      String username,
      String cloudTrailEvent) {}

  private final List<StoredEvent> events = new ArrayList<>();
  private long nextSequence;

  synchronized StoredEvent add(
      String eventId,
      String eventName,
      String eventSource,
      Instant eventTime,
      String accessKeyId,
      String username,
      String cloudTrailEvent) {
    StoredEvent event =
        new StoredEvent(
            nextSequence++,
            eventId,
            eventName,
            eventSource,
            eventTime,
            accessKeyId,
            username,
            cloudTrailEvent);
    events.add(event);
    return event;
  }

  synchronized List<StoredEvent> all() {
    return List.copyOf(events);
  }

  synchronized void clear() {
    events.clear();
  }
}
