package dev.hourmeter.worker;

import dev.hourmeter.simulator.Agreement;
import dev.hourmeter.simulator.SimulatorAgreements;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a demo buyer of {@code dev} arrives: through the product's onboarding path, not by starting
 * its workflow directly. The buyer accepts an agreement in the simulator, then its browser posts
 * the registration token to the running registration endpoint (the fulfillment URL), which redeems
 * it with ResolveCustomer and starts the customer's workflow.
 *
 * <p>This is the one place that decides it: with the lifecycle intake (agreement events through
 * SQS), {@link #arrive} creates the agreement and waits for the intake to start the workflow.
 */
final class DemoOnboarding {

  private static final Logger log = LoggerFactory.getLogger(DemoOnboarding.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** A buyer who arrived: its agreement and the workflow onboarding started. */
  record Arrival(DemoBuyer buyer, Agreement agreement, String workflowId) {}

  private final SimulatorAgreements agreements;
  private final URI registrationUrl;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

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
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(registrationUrl)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "x-amzn-marketplace-token="
                            + URLEncoder.encode(
                                agreement.registrationToken(), StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 303) {
      throw new IllegalStateException(
          "registration of agreement "
              + agreement.id()
              + " at "
              + registrationUrl
              + " answered "
              + response.statusCode()
              + ": "
              + response.body().strip());
    }
  }
}
