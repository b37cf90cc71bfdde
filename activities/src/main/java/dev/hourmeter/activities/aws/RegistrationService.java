package dev.hourmeter.activities.aws;

import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerRequest;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;

/**
 * AWS Marketplace Metering Service: ResolveCustomer, which redeems the registration token a buyer's
 * browser posts to the seller's fulfillment URL. Through the shared {@link AwsCall}; {@code
 * LicenseArn} and {@code Metadata.AgreementId}, which the served SDK model lacks, are read at the
 * HTTP layer by the {@link ConcurrentAgreementsInterceptor}.
 *
 * <p>Unlike the activities' calls (Temporal retries those), a registration is answered while the
 * buyer's browser waits: a retryable failure (throttling, 5xx, I/O) is asked again here, a few
 * times with backoff, before it is thrown. {@code InvalidTokenException} and {@code
 * ExpiredTokenException} are not retryable ({@link AwsErrorClassifier}).
 */
public final class RegistrationService {

  public static final String RESOLVE_CUSTOMER = ConcurrentAgreementsInterceptor.RESOLVE_CUSTOMER;

  private static final Logger log = LoggerFactory.getLogger(RegistrationService.class);

  private final MarketplaceMeteringClient client;
  private final AwsCall aws;
  private volatile int attempts = 4;
  private volatile BackoffPolicy backoff =
      BackoffPolicy.doubling(Duration.ofMillis(200), Duration.ofSeconds(2)).withJitter(0.2);

  RegistrationService(MarketplaceMeteringClient client, AwsCall aws) {
    this.client = Objects.requireNonNull(client, "client");
    this.aws = Objects.requireNonNull(aws, "aws");
  }

  /**
   * Redeems {@code registrationToken}.
   *
   * @throws MarketplaceCallException NON_RETRYABLE for an invalid or expired token (see {@link
   *     MarketplaceCallException#errorType()}), RETRYABLE when AWS still failed after the retries
   */
  public ResolvedCustomer resolveCustomer(String registrationToken) {
    Objects.requireNonNull(registrationToken, "registrationToken");
    for (int attempt = 1; ; attempt++) {
      WireExtras extras = WireExtras.forResolveCustomer();
      ResolveCustomerRequest request =
          ResolveCustomerRequest.builder()
              .registrationToken(registrationToken)
              .overrideConfiguration(o -> o.putExecutionAttribute(WireExtras.ATTRIBUTE, extras))
              .build();
      try {
        ResolveCustomerResponse response =
            aws.call(RESOLVE_CUSTOMER, () -> client.resolveCustomer(request));
        return new ResolvedCustomer(
            response.productCode(),
            response.customerIdentifier(),
            response.customerAWSAccountId(),
            extras.resolvedLicenseArn(),
            extras.resolvedAgreementId());
      } catch (MarketplaceCallException e) {
        if (!e.retryable() || attempt >= attempts) {
          throw e;
        }
        Duration delay = backoff.delay(attempt - 1);
        log.info(
            "ResolveCustomer failed ({}), attempt {} of {}: again in {} ms",
            e.errorType(),
            attempt,
            attempts,
            delay.toMillis());
        sleep(delay);
      }
    }
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying ResolveCustomer", e);
    }
  }

  // Package-private knobs for tests.

  RegistrationService retries(int maxAttempts, BackoffPolicy policy) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("attempts must be positive");
    }
    this.attempts = maxAttempts;
    this.backoff = Objects.requireNonNull(policy, "policy");
    return this;
  }
}
