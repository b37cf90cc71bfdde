package dev.hourmeter.simulator;

import java.util.regex.Pattern;

/**
 * The checks {@link MarketplaceSimulator} applies to products and subscriptions set up through its
 * Java or control API: what AWS would accept as product codes, dimensions, account ids and license
 * ARNs. Failures are {@link IllegalArgumentException}s naming the field (the control API answers
 * them with 400).
 */
final class SpecValidation {

  private static final Pattern PRODUCT_CODE = Pattern.compile("[-a-zA-Z0-9/=:_.@]{1,255}");

  private SpecValidation() {}

  static void validate(ProductSpec product) {
    requireProductCode(product.productCode());
    product.dimensions().forEach(d -> requireDimension("dimensions", d));
  }

  static void validate(SubscriptionSpec subscription) {
    requireProductCode(subscription.productCode());
    if (!subscription.customer().isWellFormed()) {
      throw new IllegalArgumentException(
          subscription.customer().type().camelName()
              + " is malformed: '"
              + subscription.customer().value()
              + "' (account ids are 12 digits)");
    }
    requireLicense(subscription);
    subscription.dimensions().forEach(d -> requireDimension("dimensions", d));
    subscription
        .entitlements()
        .forEach(e -> requireDimension("entitlements.dimension", e.dimension()));
  }

  static void validate(AgreementSpec agreement) {
    requireProductCode(agreement.productCode());
    agreement.dimensions().forEach(d -> requireDimension("dimensions", d));
    agreement
        .entitlements()
        .forEach(e -> requireDimension("entitlements.dimension", e.dimension()));
  }

  private static void requireProductCode(String productCode) {
    if (!PRODUCT_CODE.matcher(productCode).matches()) {
      throw new IllegalArgumentException(
          "productCode must be 1-255 characters of [-a-zA-Z0-9/=:_.@]: '" + productCode + "'");
    }
  }

  private static void requireLicense(SubscriptionSpec subscription) {
    String license = subscription.licenseArn();
    if (license == null) {
      return;
    }
    if (!MeteringRequestParser.LICENSE_ARN.matcher(license).matches()) {
      throw new IllegalArgumentException(
          "licenseArn must match AWS's LicenseArn pattern ("
              + MeteringRequestParser.LICENSE_ARN.pattern()
              + "): '"
              + license
              + "'");
    }
    if (subscription.customer().type() != CustomerIdType.CUSTOMER_AWS_ACCOUNT_ID) {
      throw new IllegalArgumentException(
          "a subscription with a licenseArn needs customerAWSAccountId, not "
              + subscription.customer().type().camelName());
    }
  }

  private static void requireDimension(String field, String dimension) {
    if (dimension == null || dimension.isEmpty() || dimension.length() > 255) {
      throw new IllegalArgumentException(
          field + " must hold 1-255 character names: '" + dimension + "'");
    }
  }
}
