package dev.hourmeter.worker.catalog;

import dev.hourmeter.workflows.model.api.PricingModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Product catalogs for tests of the lifecycle intake. */
public final class TestCatalogs {

  private TestCatalogs() {}

  /**
   * Hourly SUBSCRIPTION products metering {@code requests}: one of each integration kind (null:
   * none of that kind).
   */
  public static ProductCatalog hourly(String concurrentAgreementsProduct, String legacyProduct) {
    List<CatalogProduct> products = new ArrayList<>();
    if (concurrentAgreementsProduct != null) {
      products.add(product(concurrentAgreementsProduct, IntegrationKind.CONCURRENT_AGREEMENTS));
    }
    if (legacyProduct != null) {
      products.add(product(legacyProduct, IntegrationKind.LEGACY));
    }
    return ProductCatalog.of(products);
  }

  private static CatalogProduct product(String code, IntegrationKind kind) {
    return new CatalogProduct(
        code, kind, PricingModel.SUBSCRIPTION, List.of("requests"), Duration.ofHours(1));
  }
}
