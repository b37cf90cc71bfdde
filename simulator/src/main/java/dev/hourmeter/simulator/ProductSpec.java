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
 */
public record ProductSpec(
    String productCode, List<String> dimensions, boolean concurrentAgreements) {

  public ProductSpec {
    Objects.requireNonNull(productCode, "productCode");
    dimensions = List.copyOf(dimensions == null ? List.of() : dimensions);
  }

  /** A legacy product. */
  public ProductSpec(String productCode, List<String> dimensions) {
    this(productCode, dimensions, false);
  }

  public static ProductSpec of(String productCode, String... dimensions) {
    return new ProductSpec(productCode, List.of(dimensions));
  }

  /** A concurrent-agreements product. */
  public static ProductSpec concurrentAgreements(String productCode, String... dimensions) {
    return new ProductSpec(productCode, List.of(dimensions), true);
  }
}
