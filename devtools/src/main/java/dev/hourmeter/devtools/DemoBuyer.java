package dev.hourmeter.devtools;

import dev.hourmeter.simulator.Agreement;
import dev.hourmeter.simulator.AgreementSpec;
import dev.hourmeter.worker.catalog.CatalogProduct;
import dev.hourmeter.worker.catalog.IntegrationKind;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.PricingModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One demo buyer of {@code dev}: {@code demo-customer-N}. Odd numbers buy the legacy product {@link
 * #LEGACY_PRODUCT} (the buyer's CustomerIdentifier is its name), even numbers the
 * concurrent-agreements product {@link #LICENSED_PRODUCT} (AWS account {@code 1000000000NN}, a new
 * LicenseArn each run).
 *
 * @param number 1..N
 * @param productCode the product bought
 * @param accountId the buyer's AWS account, 12 digits
 * @param concurrentAgreements whether the product uses concurrent agreements
 */
record DemoBuyer(int number, String productCode, String accountId, boolean concurrentAgreements) {

  static final String LEGACY_PRODUCT = "hourmeter-demo";
  static final String LICENSED_PRODUCT = "hourmeter-demo-licensed";
  static final List<String> DIMENSIONS = List.of("requests", "gb-hours");

  /** The buyers {@code demo-customer-1..count}. */
  static List<DemoBuyer> first(int count) {
    List<DemoBuyer> buyers = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      boolean licensed = i % 2 == 0;
      buyers.add(
          new DemoBuyer(
              i,
              licensed ? LICENSED_PRODUCT : LEGACY_PRODUCT,
              String.format("%012d", 100_000_000_000L + i),
              licensed));
    }
    return buyers;
  }

  /** The demo products as catalog entries, metered every {@code period}. */
  static List<CatalogProduct> catalogProducts(Duration period) {
    return List.of(
        new CatalogProduct(
            LEGACY_PRODUCT, IntegrationKind.LEGACY, PricingModel.SUBSCRIPTION, DIMENSIONS, period),
        new CatalogProduct(
            LICENSED_PRODUCT,
            IntegrationKind.CONCURRENT_AGREEMENTS,
            PricingModel.SUBSCRIPTION,
            DIMENSIONS,
            period));
  }

  String name() {
    return "demo-customer-" + number;
  }

  /** The agreement the buyer accepts: both dimensions, a boolean entitlement each. */
  AgreementSpec agreementSpec() {
    return new AgreementSpec(
        productCode, accountId, DIMENSIONS, List.of(), "SUBSCRIPTION", concurrentAgreements, false);
  }

  /** The CustomerIdentifier AWS would assign (legacy: the name, for readable ids), else null. */
  String customerIdentifier() {
    return concurrentAgreements ? null : name();
  }

  /** The workflow id of this buyer's {@code agreement}, as onboarding derives it. */
  String workflowId(Agreement agreement) {
    return concurrentAgreements
        ? MeteringWorkflowIds.forCustomer(productCode, accountId, agreement.licenseArn())
        : MeteringWorkflowIds.forCustomer(productCode, agreement.customerIdentifier());
  }
}
