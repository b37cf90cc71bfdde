package dev.hourmeter.workflows.model;

/**
 * Workflow input: the subscription, plus the checkpoint when continuing as new (null on first
 * start).
 */
public record CustomerMeteringInput(
    MeteringSubscription subscription, MeteringCheckpoint checkpoint) {

  public static CustomerMeteringInput start(MeteringSubscription subscription) {
    return new CustomerMeteringInput(subscription, null);
  }
}
