package dev.hourmeter.simulator;

import java.util.List;
import java.util.Objects;

/**
 * A product and the metering dimensions it accepts. Registering it again adds dimensions (union).
 */
public record ProductSpec(String productCode, List<String> dimensions) {

  public ProductSpec {
    Objects.requireNonNull(productCode, "productCode");
    dimensions = List.copyOf(dimensions == null ? List.of() : dimensions);
  }

  public static ProductSpec of(String productCode, String... dimensions) {
    return new ProductSpec(productCode, List.of(dimensions));
  }
}
