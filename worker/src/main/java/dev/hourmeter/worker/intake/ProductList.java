package dev.hourmeter.worker.intake;

import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.MeteringSubscription;
import dev.hourmeter.workflows.model.PricingModel;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link KnownProducts} from a one-line spec, {@code CODE=DIM[,DIM...][;CODE=DIM...]}: hourly
 * SUBSCRIPTION pricing. The stand-in for the product catalog until it is merged (the flag {@code
 * --intake-products} goes with it).
 */
public final class ProductList implements KnownProducts {

  private final Map<String, List<String>> dimensions;

  private ProductList(Map<String, List<String>> dimensions) {
    this.dimensions = Map.copyOf(dimensions);
  }

  /**
   * @throws IllegalArgumentException naming the entry that is not {@code CODE=DIM[,DIM...]}
   */
  public static ProductList parse(String spec) {
    Map<String, List<String>> products = new LinkedHashMap<>();
    if (spec != null) {
      for (String entry : spec.split(";")) {
        if (entry.isBlank()) {
          continue;
        }
        int eq = entry.indexOf('=');
        List<String> dims =
            eq < 0
                ? List.of()
                : Arrays.stream(entry.substring(eq + 1).split(","))
                    .map(String::trim)
                    .filter(d -> !d.isEmpty())
                    .toList();
        String code = eq < 0 ? "" : entry.substring(0, eq).trim();
        if (code.isEmpty() || dims.isEmpty()) {
          throw new IllegalArgumentException(
              "'" + entry.trim() + "' is not CODE=DIMENSION[,DIMENSION...]");
        }
        products.put(code, dims);
      }
    }
    return new ProductList(products);
  }

  public boolean isEmpty() {
    return dimensions.isEmpty();
  }

  @Override
  public boolean knows(String productCode) {
    return dimensions.containsKey(productCode);
  }

  @Override
  public Optional<MeteringSubscription> subscription(String productCode, CustomerId customer) {
    List<String> dims = dimensions.get(productCode);
    return dims == null
        ? Optional.empty()
        : Optional.of(
            MeteringSubscription.of(
                productCode, customer, dims, PricingModel.SUBSCRIPTION, Duration.ofHours(1)));
  }

  @Override
  public String toString() {
    return dimensions.toString();
  }
}
