package dev.hourmeter.simulator;

import java.util.List;
import java.util.Objects;

/**
 * A product and the metering dimensions it accepts. Registering it again adds dimensions (union).
 *
 * @param concurrentAgreements the product meters by LicenseArn (Concurrent Agreements): its
 *     subscriptions each hold a license, and BatchMeterUsage refuses CustomerIdentifier records and
 *     requests that carry a ProductCode. Registering a product again with {@code false} does not
 *     make it legacy again.
 * @param migrating a legacy product whose customers are moving to Concurrent Agreements (an
 *     existing integration keeps working with the legacy fields): it holds legacy subscriptions and
 *     licenses side by side, and BatchMeterUsage takes both legacy requests (ProductCode, records
 *     with CustomerIdentifier or CustomerAWSAccountId) and license requests (LicenseArn in every
 *     record, no ProductCode). Never together with {@code concurrentAgreements}; registering the
 *     product again with {@code false} does not end it.
 */
public record ProductSpec(
    String productCode, List<String> dimensions, boolean concurrentAgreements, boolean migrating) {

  public ProductSpec {
    Objects.requireNonNull(productCode, "productCode");
    dimensions = List.copyOf(dimensions == null ? List.of() : dimensions);
    if (concurrentAgreements && migrating) {
      throw new IllegalArgumentException(
          "product "
              + productCode
              + ": concurrentAgreements and migrating exclude each other (a migrating product is a"
              + " legacy product that also holds licenses)");
    }
  }

  public ProductSpec(String productCode, List<String> dimensions, boolean concurrentAgreements) {
    this(productCode, dimensions, concurrentAgreements, false);
  }

  /** A legacy product. */
  public ProductSpec(String productCode, List<String> dimensions) {
    this(productCode, dimensions, false);
  }

  public static ProductSpec of(String productCode, String... dimensions) {
    return new ProductSpec(productCode, List.of(dimensions));
  }

  /** A legacy product moving its customers to Concurrent Agreements. */
  public static ProductSpec migrating(String productCode, String... dimensions) {
    return new ProductSpec(productCode, List.of(dimensions), false, true);
  }

  /** A concurrent-agreements product. */
  public static ProductSpec concurrentAgreements(String productCode, String... dimensions) {
    return new ProductSpec(productCode, List.of(dimensions), true);
  }
}
