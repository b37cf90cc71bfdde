package dev.hourmeter.worker.intake;

import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import java.util.Optional;

/**
 * The products the intake may start workflows for, and what a new customer of each is started with.
 * The product catalog implements it. A product it does not know is never started: its messages are
 * left for the queue's redrive policy.
 */
public interface KnownProducts {

  boolean knows(String productCode);

  /** The subscription to start for {@code customer}; empty when the product is not known. */
  Optional<MeteringSubscription> subscription(String productCode, CustomerId customer);
}
