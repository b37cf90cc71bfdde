package dev.hourmeter.worker.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hourmeter.worker.intake.KnownProducts;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The products this seller meters, by product code: one JSON file (docs/configuration.md, "Product
 * catalog"), read and checked once at start-up. Immutable and thread-safe.
 *
 * <pre>{@code
 * {"products": {
 *   "prod-abc123": {"integration": "concurrent-agreements", "pricingModel": "SUBSCRIPTION",
 *                   "dimensions": ["requests", "gb-hours"], "period": "PT1H"}}}
 * }</pre>
 */
public final class ProductCatalog implements KnownProducts {

  private static final Logger log = LoggerFactory.getLogger(ProductCatalog.class);

  private static final Set<String> TOP_FIELDS = Set.of("products");
  private static final Set<String> PRODUCT_FIELDS =
      Set.of("integration", "pricingModel", "dimensions", "period");

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private final Map<String, CatalogProduct> products;

  private ProductCatalog(Map<String, CatalogProduct> products) {
    this.products = Map.copyOf(products);
  }

  /**
   * Reads and checks the catalog file.
   *
   * @throws IllegalArgumentException naming the file, the product and the field of the first
   *     problem (an unreadable file, malformed JSON, a missing or bad field, an unknown field)
   */
  public static ProductCatalog load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("product catalog " + file + ": cannot read it: " + e, e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "product catalog " + file + ": malformed JSON: " + e.getOriginalMessage(), e);
    }
    return parse(file.toString(), root);
  }

  /** A catalog of the given products (dev's built-in catalog, tests). */
  public static ProductCatalog of(Collection<CatalogProduct> products) {
    Map<String, CatalogProduct> byCode = new LinkedHashMap<>();
    for (CatalogProduct product : products) {
      if (byCode.put(product.productCode(), product) != null) {
        throw new IllegalArgumentException("product " + product.productCode() + " given twice");
      }
    }
    return new ProductCatalog(byCode);
  }

  /** The lifecycle intake's view: a product in the catalog may be started. */
  @Override
  public boolean knows(String productCode) {
    return product(productCode).isPresent();
  }

  /**
   * The subscription a new customer of {@code productCode} starts with; empty when the product is
   * not in the catalog or the customer's identity does not fit its kind (a legacy customer of a
   * concurrent-agreements product, or the reverse): such a message is left for the dead-letter
   * queue, logged.
   */
  @Override
  public Optional<MeteringSubscription> subscription(String productCode, CustomerId customer) {
    Optional<CatalogProduct> product = product(productCode);
    if (product.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(product.get().subscription(customer));
    } catch (IllegalArgumentException e) {
      log.warn("product catalog: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /** The product with this code, if the catalog has it. */
  public Optional<CatalogProduct> product(String productCode) {
    return productCode == null ? Optional.empty() : Optional.ofNullable(products.get(productCode));
  }

  /** Every product, sorted by code. */
  public List<CatalogProduct> products() {
    return products.values().stream()
        .sorted((a, b) -> a.productCode().compareTo(b.productCode()))
        .toList();
  }

  @Override
  public String toString() {
    return "ProductCatalog" + products.keySet().stream().sorted().toList();
  }

  private static ProductCatalog parse(String file, JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "product catalog " + file + ": must be a JSON object with a \"products\" object");
    }
    unknownFields(root, TOP_FIELDS, "product catalog " + file + ": field ");
    JsonNode list = root.get("products");
    if (list == null || !list.isObject() || list.isEmpty()) {
      throw new IllegalArgumentException(
          "product catalog "
              + file
              + ": field 'products': must be an object with at least one product code");
    }
    Map<String, CatalogProduct> products = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : list.properties()) {
      products.put(entry.getKey(), product(file, entry.getKey(), entry.getValue()));
    }
    return new ProductCatalog(products);
  }

  private static CatalogProduct product(String file, String code, JsonNode node) {
    String where = "product catalog " + file + ": product '" + code + "': ";
    String codeProblem = MeteringSubscription.productCodeProblem(code);
    if (codeProblem != null) {
      throw new IllegalArgumentException(where + "product code " + codeProblem);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + "must be an object");
    }
    unknownFields(node, PRODUCT_FIELDS, where + "field ");
    String integrationName = text(node, "integration", where, true);
    IntegrationKind integration =
        IntegrationKind.fromConfigName(integrationName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        where
                            + "field 'integration': must be legacy or concurrent-agreements, got '"
                            + integrationName
                            + "'"));
    String pricingName = text(node, "pricingModel", where, true);
    PricingModel pricing;
    try {
      pricing = PricingModel.valueOf(pricingName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where
              + "field 'pricingModel': must be SUBSCRIPTION or CONTRACT, got '"
              + pricingName
              + "'",
          e);
    }
    List<String> dimensions = dimensions(node.get("dimensions"), where);
    String periodText = text(node, "period", where, false);
    Duration period = MeteringSubscription.DEFAULT_PERIOD;
    if (periodText != null) {
      try {
        period = Duration.parse(periodText);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            where + "field 'period': '" + periodText + "' is not an ISO-8601 duration such as PT1H",
            e);
      }
      String problem = MeteringSubscription.periodProblem(period);
      if (problem != null) {
        throw new IllegalArgumentException(where + "field 'period': " + problem);
      }
    }
    return new CatalogProduct(code, integration, pricing, dimensions, period);
  }

  private static List<String> dimensions(JsonNode node, String where) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new IllegalArgumentException(
          where + "field 'dimensions': must be a list of at least one dimension name");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode item : node) {
      String name = item.isTextual() ? item.asText() : null;
      String problem = MeteringSubscription.dimensionProblem(name);
      if (problem != null) {
        throw new IllegalArgumentException(where + "field 'dimensions': " + problem);
      }
      names.add(name);
    }
    if (new LinkedHashSet<>(names).size() != names.size()) {
      throw new IllegalArgumentException(
          where + "field 'dimensions': contains duplicates " + names);
    }
    return names;
  }

  private static String text(JsonNode node, String field, String where, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException(where + "field '" + field + "': is required");
      }
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(
          where + "field '" + field + "': must be a non-blank string");
    }
    return value.asText().trim();
  }

  private static void unknownFields(JsonNode node, Set<String> known, String prefix) {
    for (String name : (Iterable<String>) node::fieldNames) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            prefix + "'" + name + "': unknown (known: " + known.stream().sorted().toList() + ")");
      }
    }
  }
}
