package dev.hourmeter.worker;

import dev.hourmeter.simulator.Agreement;
import dev.hourmeter.simulator.BuyerRegistration;
import dev.hourmeter.simulator.SimulatorAgreements;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a demo buyer of {@code dev} arrives: through the product's onboarding path, not by starting
 * its workflow directly. The buyer accepts an agreement in the simulator, then its browser posts
 * the registration token to the running registration endpoint (the fulfillment URL), which redeems
 * it with ResolveCustomer and starts the customer's workflow.
 *
 * <p>This is the one place that decides it. With the lifecycle intake (agreement events through
 * SQS), only {@link #arrive} changes: the {@code register(agreement)} call becomes a wait until the
 * workflow the intake starts from the agreement's creation event runs (the simulator's events go to
 * SQS through {@code MarketplaceSimulator.builder().eventSink(...)} in {@link DevStack#start}).
 */
final class DemoOnboarding {

  private static final Logger log = LoggerFactory.getLogger(DemoOnboarding.class);

  /** A buyer who arrived: its agreement and the workflow onboarding started. */
  record Arrival(DemoBuyer buyer, Agreement agreement, String workflowId) {}

  private final SimulatorAgreements agreements;
  private final URI registrationUrl;

  DemoOnboarding(SimulatorAgreements agreements, URI registrationUrl) {
    this.agreements = Objects.requireNonNull(agreements, "agreements");
    this.registrationUrl = Objects.requireNonNull(registrationUrl, "registrationUrl");
  }

  /**
   * The buyer accepts its agreement and registers; returns once its workflow runs.
   *
   * @throws IllegalStateException when the registration endpoint does not answer 303
   */
  Arrival arrive(DemoBuyer buyer) throws IOException, InterruptedException {
    Agreement agreement = agreements.create(buyer.agreementSpec(), buyer.customerIdentifier());
    register(agreement);
    String workflowId = buyer.workflowId(agreement);
    log.info("{} arrived: agreement {}, workflow {}", buyer.name(), agreement.id(), workflowId);
    return new Arrival(buyer, agreement, workflowId);
  }

  /** The buyer's browser posting the registration form, as AWS Marketplace's page does. */
  private void register(Agreement agreement) throws IOException, InterruptedException {
    BuyerRegistration.Answer answer =
        BuyerRegistration.post(registrationUrl, agreement.registrationToken());
    if (answer.status() != 303) {
      throw new IllegalStateException(
          "registration of agreement "
              + agreement.id()
              + " at "
              + registrationUrl
              + " answered "
              + answer.status()
              + ": "
              + answer.body().strip());
    }
  }
}
