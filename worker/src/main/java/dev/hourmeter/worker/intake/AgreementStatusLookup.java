package dev.hourmeter.worker.intake;

import dev.hourmeter.activities.aws.MarketplaceCallException;

/** Why an agreement ended: DescribeAgreement's status ({@code AgreementService#status}). */
@FunctionalInterface
public interface AgreementStatusLookup {

  /**
   * @throws MarketplaceCallException when AWS could not answer (retryable or not)
   */
  String status(String agreementId);
}
