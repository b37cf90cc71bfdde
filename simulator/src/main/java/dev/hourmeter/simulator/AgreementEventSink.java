package dev.hourmeter.simulator;

/**
 * Where the simulator delivers agreement lifecycle messages, each body exactly as AWS delivers it
 * into a seller's SQS queue: an EventBridge event for a concurrent-agreements product, an SNS
 * notification in its envelope for a legacy product (docs/usage-formats.md, "Agreement events").
 * Called with the simulator's faults applied (duplicates, reordering, malformed messages); must be
 * thread-safe. The default is an {@link InMemoryAgreementEventSink}.
 */
@FunctionalInterface
public interface AgreementEventSink {

  void publish(String messageBody);
}
