package dev.hourmeter.worker.catalog;

import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One product of the {@link ProductCatalog}: how its buyers are identified and how they are
 * metered. Checked by {@link ProductCatalog#load}; the constructor only copies.
 *
 * @param productCode the AWS Marketplace product code
 * @param integration legacy (CustomerIdentifier, SNS) or concurrent agreements (account +
 *     LicenseArn, EventBridge)
 * @param pricingModel SUBSCRIPTION or CONTRACT
 * @param dimensions the metered dimensions, in the catalog's order
 * @param period the metering period (PT1H in production)
 */
public record CatalogProduct(
    String productCode,
    IntegrationKind integration,
    PricingModel pricingModel,
    List<String> dimensions,
    Duration period) {

  public CatalogProduct {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(integration, "integration");
    Objects.requireNonNull(pricingModel, "pricingModel");
    Objects.requireNonNull(period, "period");
    dimensions = List.copyOf(dimensions);
  }

  /** Whether buyers of this product are metered by account and LicenseArn. */
  public boolean concurrentAgreements() {
    return integration == IntegrationKind.CONCURRENT_AGREEMENTS;
  }

  /**
   * The subscription a new workflow for {@code customer} starts with, checked as a new workflow's
   * must be.
   *
   * @throws IllegalArgumentException naming the field when the customer does not fit the product's
   *     integration (a license for a legacy product, none for a concurrent-agreements one) or the
   *     subscription cannot start
   */
  public MeteringSubscription subscription(CustomerId customer) {
    Objects.requireNonNull(customer, "customer");
    if (concurrentAgreements() && !customer.hasLicense()) {
      throw new IllegalArgumentException(
          "customer: product "
              + productCode
              + " uses concurrent agreements: the customer needs an AWS account id and a"
              + " LicenseArn");
    }
    if (!concurrentAgreements() && customer.hasLicense()) {
      throw new IllegalArgumentException(
          "customer: product " + productCode + " is legacy: its customers hold no LicenseArn");
    }
    return MeteringSubscription.of(productCode, customer, dimensions, pricingModel, period)
        .requireStartable();
  }
}
