package dev.hourmeter.activities.aws;

/**
 * What ResolveCustomer answered for a registration token. Fields AWS left out (or empty) are null.
 *
 * @param productCode the product the buyer subscribed to
 * @param customerIdentifier the legacy CustomerIdentifier (empty for new integrations)
 * @param customerAwsAccountId the buyer's AWS account id (12 digits)
 * @param licenseArn the agreement's license (Concurrent Agreements), read at the HTTP layer
 * @param agreementId {@code Metadata.AgreementId}, read at the HTTP layer
 */
public record ResolvedCustomer(
    String productCode,
    String customerIdentifier,
    String customerAwsAccountId,
    String licenseArn,
    String agreementId) {

  public ResolvedCustomer {
    productCode = blankToNull(productCode);
    customerIdentifier = blankToNull(customerIdentifier);
    customerAwsAccountId = blankToNull(customerAwsAccountId);
    licenseArn = blankToNull(licenseArn);
    agreementId = blankToNull(agreementId);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
