package dev.hourmeter.workflows.model.api;

import dev.hourmeter.workflows.model.checkpoint.MeteringCheckpoint;

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
