package dev.hourmeter.simulator;

import java.util.ArrayList;
import java.util.List;

/** Keeps every published message body, in delivery order, for tests and {@code /_sim/}. */
public final class InMemoryAgreementEventSink implements AgreementEventSink {

  private final List<String> messages = new ArrayList<>();

  @Override
  public synchronized void publish(String messageBody) {
    messages.add(messageBody);
  }

  /** Every message delivered so far, oldest first. */
  public synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  public synchronized void clear() {
    messages.clear();
  }
}
