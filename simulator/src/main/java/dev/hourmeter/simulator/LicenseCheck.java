package dev.hourmeter.simulator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Concurrent Agreements rules of BatchMeterUsage, whole-request like AWS's: a request that
 * carries a ProductCode must not be for a concurrent-agreements product; a request without one
 * identifies its product by the LicenseArn of every record, each license must be the record
 * account's, and all of them must belong to one product. Failures are {@code
 * InvalidLicenseException}.
 */
final class LicenseCheck {

  static final String INVALID_LICENSE = "InvalidLicenseException";

  private LicenseCheck() {}

  /** A ProductCode request: refused for a concurrent-agreements product. */
  static void checkProductRequest(Catalog catalog, String productCode) {
    if (catalog.isConcurrentAgreements(productCode)) {
      throw invalid(
          "Product "
              + productCode
              + " uses Concurrent Agreements: send the LicenseArn in each usage record and no"
              + " ProductCode.");
    }
  }

  /**
   * A LicenseArn request: checks every record's license and returns the request's product, or null
   * when auto-subscribe mode accepted licenses of no known product.
   */
  static String productOf(Catalog catalog, List<UsageRecordInput> records) {
    String product = null;
    int productPosition = 0;
    Map<String, CustomerId> holders = new HashMap<>();
    for (UsageRecordInput record : records) {
      String arn = record.licenseArn();
      if (arn == null) {
        throw invalid(
            "Usage record "
                + record.position()
                + ": LicenseArn is required when the request has no ProductCode.");
      }
      CustomerId account = record.customer().orElseThrow();
      Optional<SubscriptionSpec> granted = catalog.license(arn);
      CustomerId holder;
      String licenseProduct;
      if (granted.isPresent()) {
        holder = granted.get().customer();
        licenseProduct = granted.get().productCode();
      } else if (catalog.autoSubscribe()) {
        Optional<Catalog.AutoLicense> auto = catalog.autoLicense(arn);
        holder = auto.map(Catalog.AutoLicense::account).orElse(holders.getOrDefault(arn, account));
        licenseProduct = auto.map(Catalog.AutoLicense::productCode).orElse(null);
      } else {
        throw invalid(
            "Usage record "
                + record.position()
                + ": LicenseArn "
                + arn
                + " is not a valid license.");
      }
      holders.putIfAbsent(arn, holder);
      if (!holder.equals(account)) {
        throw invalid(
            "Usage record "
                + record.position()
                + ": LicenseArn "
                + arn
                + " is not a license of account "
                + account.value()
                + ".");
      }
      if (licenseProduct != null) {
        if (product == null) {
          product = licenseProduct;
          productPosition = record.position();
        } else if (!product.equals(licenseProduct)) {
          throw invalid(
              "Usage record "
                  + record.position()
                  + ": LicenseArn "
                  + arn
                  + " is a license of product "
                  + licenseProduct
                  + ", not of product "
                  + product
                  + " (usage record "
                  + productPosition
                  + "): one product per request.");
        }
      }
    }
    return product;
  }

  private static ApiException invalid(String message) {
    return ApiException.badRequest(INVALID_LICENSE, message);
  }
}
