package dev.hourmeter.simulator;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Hands agreement messages to the {@link AgreementEventSink} in order, with the injected event
 * faults ({@link FaultSpec#duplicateEventsNext()}, {@link FaultSpec#reorderEventsNext()}, {@link
 * FaultSpec#malformedEventsNext()}). Thread-safe: one message at a time.
 */
final class EventDelivery {

  /** A held-back message is delivered alone after this long when no other message follows. */
  static final long HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final AgreementEventSink sink;
  private final FaultInjector faults;
  private String held;
  private long heldSince;

  EventDelivery(AgreementEventSink sink, FaultInjector faults) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.faults = faults;
  }

  AgreementEventSink sink() {
    return sink;
  }

  synchronized void deliver(String body) {
    if (faults.malformedEvent()) {
      sink.publish(AgreementEvents.malformed(body));
    }
    boolean twice = faults.duplicateEvent();
    String previous = held;
    held = null;
    if (faults.reorderEvent()) {
      held = body;
      heldSince = System.nanoTime();
    } else {
      sink.publish(body);
    }
    if (twice) {
      sink.publish(body);
    }
    if (previous != null) {
      sink.publish(previous);
    }
  }

  /** Delivers {@code bodies} in order, no other message between them (faults apply to each). */
  synchronized void deliver(java.util.List<String> bodies) {
    bodies.forEach(this::deliver);
  }

  /** Delivers a message held back for reordering once no other message followed it in time. */
  synchronized void releaseStale() {
    if (held != null && System.nanoTime() - heldSince >= HOLD_NANOS) {
      String body = held;
      held = null;
      sink.publish(body);
    }
  }

  synchronized void clear() {
    held = null;
  }
}
