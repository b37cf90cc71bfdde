package dev.hourmeter.devtools;

import dev.hourmeter.simulator.Agreement;
import dev.hourmeter.simulator.BuyerRegistration;
import dev.hourmeter.simulator.SimulatorAgreements;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a demo buyer of {@code dev} arrives: through the product's onboarding path, not by starting
 * its workflow directly. The buyer accepts an agreement in the simulator, whose creation event
 * (EventBridge for a concurrent-agreements product, SNS subscribe-success for a legacy one) goes
 * into dev's SQS queue; the lifecycle intake starts the customer's workflow from it, and this waits
 * until it runs. Then the buyer's browser posts the registration token to the registration endpoint
 * (the fulfillment URL), as on AWS, which redeems it with ResolveCustomer and finds the workflow
 * already running. The one place that decides how a demo customer arrives.
 */
final class DemoOnboarding {

  private static final Logger log = LoggerFactory.getLogger(DemoOnboarding.class);

  /** A buyer who arrived: its agreement and the workflow onboarding started. */
  record Arrival(DemoBuyer buyer, Agreement agreement, String workflowId) {}

  /** How long the intake may take to start a demo customer's workflow. */
  static final Duration START_WITHIN = Duration.ofSeconds(30);

  private final SimulatorAgreements agreements;
  private final Predicate<String> running;
  private final URI registrationUrl;

  /**
   * @param running whether a workflow id runs now ({@code LifecycleTemporal#isRunning})
   */
  DemoOnboarding(SimulatorAgreements agreements, Predicate<String> running, URI registrationUrl) {
    this.agreements = Objects.requireNonNull(agreements, "agreements");
    this.running = Objects.requireNonNull(running, "running");
    this.registrationUrl = Objects.requireNonNull(registrationUrl, "registrationUrl");
  }

  /**
   * The buyer accepts its agreement (the intake starts its workflow from the event) and registers;
   * returns once its workflow runs.
   *
   * @throws IllegalStateException when the workflow does not run within {@link #START_WITHIN} or
   *     the registration endpoint does not answer 303
   */
  Arrival arrive(DemoBuyer buyer) throws IOException, InterruptedException {
    Agreement agreement = agreements.create(buyer.agreementSpec(), buyer.customerIdentifier());
    String workflowId = buyer.workflowId(agreement);
    awaitRunning(workflowId, agreement);
    register(agreement);
    log.info("{} arrived: agreement {}, workflow {}", buyer.name(), agreement.id(), workflowId);
    return new Arrival(buyer, agreement, workflowId);
  }

  private void awaitRunning(String workflowId, Agreement agreement) throws InterruptedException {
    Instant deadline = Instant.now().plus(START_WITHIN);
    while (true) {
      try {
        if (running.test(workflowId)) {
          return;
        }
      } catch (RuntimeException unreachable) {
        // Temporal did not answer: asked again until the deadline
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "the lifecycle intake did not start "
                + workflowId
                + " from agreement "
                + agreement.id()
                + "'s creation event within "
                + START_WITHIN);
      }
      Thread.sleep(100);
    }
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
