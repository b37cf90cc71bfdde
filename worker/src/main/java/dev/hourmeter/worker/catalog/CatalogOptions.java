package dev.hourmeter.worker.catalog;

import dev.hourmeter.client.SettingResolver;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The product catalog flag of {@code worker} and {@code dev} (a picocli mixin). */
public final class CatalogOptions {

  public static final String ENV_PRODUCT_CATALOG = "HOURMETER_PRODUCT_CATALOG";

  @Option(
      names = "--product-catalog",
      paramLabel = "FILE",
      description =
          "The products this seller meters: a JSON file (env "
              + ENV_PRODUCT_CATALOG
              + ", default none; docs/configuration.md). Needed by the registration endpoint.")
  String productCatalog;

  /**
   * The catalog, loaded and checked now, when a file is given.
   *
   * @throws IllegalArgumentException naming the flag (or variable), the file, the product and the
   *     field when the file is not a valid catalog
   */
  public Optional<ProductCatalog> load(SettingResolver settings) {
    Path file = settings.path("--product-catalog", ENV_PRODUCT_CATALOG, productCatalog);
    if (file == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(ProductCatalog.load(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--product-catalog: " + e.getMessage(), e);
    }
  }
}
