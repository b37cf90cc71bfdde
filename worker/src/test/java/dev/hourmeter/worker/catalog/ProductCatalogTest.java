package dev.hourmeter.worker.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProductCatalogTest {

  private static final String LICENSE =
      "arn:aws:license-manager::111122223333:license/l-0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  private Path write(String json) throws IOException {
    Path file = dir.resolve("catalog.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void loadsEveryProductByCode() throws IOException {
    Path file =
        write(
            """
            {"products": {
              "prod-ca": {"integration": "concurrent-agreements", "pricingModel": "SUBSCRIPTION",
                          "dimensions": ["requests", "gb-hours"], "period": "PT10M"},
              "prod-legacy": {"integration": "legacy", "pricingModel": "contract",
                              "dimensions": ["seats"]}}}
            """);
    ProductCatalog catalog = ProductCatalog.load(file);

    assertThat(catalog.product("prod-ca"))
        .contains(
            new CatalogProduct(
                "prod-ca",
                IntegrationKind.CONCURRENT_AGREEMENTS,
                PricingModel.SUBSCRIPTION,
                List.of("requests", "gb-hours"),
                Duration.ofMinutes(10)));
    CatalogProduct legacy = catalog.product("prod-legacy").orElseThrow();
    assertThat(legacy.integration()).isEqualTo(IntegrationKind.LEGACY);
    assertThat(legacy.pricingModel()).isEqualTo(PricingModel.CONTRACT);
    assertThat(legacy.period()).isEqualTo(MeteringSubscription.DEFAULT_PERIOD);
    assertThat(catalog.product("prod-unknown")).isEmpty();
    assertThat(catalog.product(null)).isEmpty();
    assertThat(catalog.products())
        .extracting(CatalogProduct::productCode)
        .containsExactly("prod-ca", "prod-legacy");
  }

  @Test
  void errorsNameTheFileTheProductAndTheField() throws IOException {
    assertProblem(
        """
        {"products": {"prod-a": {"integration": "saas", "pricingModel": "SUBSCRIPTION",
                                 "dimensions": ["d"]}}}
        """,
        "product 'prod-a': field 'integration': must be legacy or concurrent-agreements, got 'saas'");
    assertProblem(
        """
        {"products": {"prod-a": {"integration": "legacy", "pricingModel": "FREE",
                                 "dimensions": ["d"]}}}
        """,
        "product 'prod-a': field 'pricingModel': must be SUBSCRIPTION or CONTRACT, got 'FREE'");
    assertProblem(
        """
        {"products": {"prod-a": {"integration": "legacy", "pricingModel": "CONTRACT"}}}
        """,
        "product 'prod-a': field 'dimensions': must be a list of at least one dimension name");
    assertProblem(
        """
        {"products": {"prod-a": {"integration": "legacy", "pricingModel": "CONTRACT",
                                 "dimensions": ["d", "d"]}}}
        """,
        "product 'prod-a': field 'dimensions': contains duplicates [d, d]");
    assertProblem(
        """
        {"products": {"prod-a": {"integration": "legacy", "pricingModel": "CONTRACT",
                                 "dimensions": ["d"], "period": "PT7M"}}}
        """,
        "product 'prod-a': field 'period': must divide a day evenly");
    assertProblem(
        """
        {"products": {"prod-a": {"integration": "legacy", "pricingModel": "CONTRACT",
                                 "dimensions": ["d"], "period": "1h"}}}
        """,
        "product 'prod-a': field 'period': '1h' is not an ISO-8601 duration");
    assertProblem(
        """
        {"products": {"prod-a": {"pricingModel": "CONTRACT", "dimensions": ["d"]}}}
        """,
        "product 'prod-a': field 'integration': is required");
    assertProblem(
        """
        {"products": {"prod-a": {"integration": "legacy", "pricingModel": "CONTRACT",
                                 "dimensions": ["d"], "dimension": "x"}}}
        """,
        "product 'prod-a': field 'dimension': unknown");
    assertProblem(
        """
        {"products": {"bad code!": {"integration": "legacy", "pricingModel": "CONTRACT",
                                    "dimensions": ["d"]}}}
        """,
        "product 'bad code!': product code must be 1-255 characters");
    assertProblem("{\"products\": {}}", "field 'products': must be an object");
    assertProblem("{\"products\": {", "malformed JSON");
  }

  @Test
  void aProductGivenTwiceIsRefused() throws IOException {
    String product =
        "{\"integration\": \"legacy\", \"pricingModel\": \"CONTRACT\", \"dimensions\": [\"d\"]}";
    assertProblem(
        "{\"products\": {\"prod-a\": " + product + ", \"prod-a\": " + product + "}}",
        "Duplicate field 'prod-a'");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> ProductCatalog.load(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("product catalog " + missing + ": cannot read it");
  }

  @Test
  void subscriptionsFollowTheProductsIntegration() {
    CatalogProduct ca =
        new CatalogProduct(
            "prod-ca",
            IntegrationKind.CONCURRENT_AGREEMENTS,
            PricingModel.CONTRACT,
            List.of("seats"),
            Duration.ofHours(1));
    MeteringSubscription subscription =
        ca.subscription(CustomerId.licensed("111122223333", LICENSE));
    assertThat(subscription.customer().licenseArn()).isEqualTo(LICENSE);
    assertThat(subscription.pricingModel()).isEqualTo(PricingModel.CONTRACT);
    assertThat(subscription.dimensions()).containsExactly("seats");
    assertThatThrownBy(() -> ca.subscription(CustomerId.awsAccount("111122223333")))
        .hasMessageContaining("uses concurrent agreements");

    CatalogProduct legacy =
        new CatalogProduct(
            "prod-l",
            IntegrationKind.LEGACY,
            PricingModel.SUBSCRIPTION,
            List.of("seats"),
            Duration.ofHours(1));
    assertThat(legacy.subscription(CustomerId.legacy("cust-1")).customer().value())
        .isEqualTo("cust-1");
    assertThatThrownBy(() -> legacy.subscription(CustomerId.licensed("111122223333", LICENSE)))
        .hasMessageContaining("is legacy");
  }

  @Test
  void theFlagWinsOverItsVariableAndErrorsNameTheFlag() throws IOException {
    Path file =
        write(
            "{\"products\": {\"prod-a\": {\"integration\": \"legacy\", \"pricingModel\":"
                + " \"CONTRACT\", \"dimensions\": [\"d\"]}}}");
    CatalogOptions options = new CatalogOptions();
    SettingResolver fromEnv =
        new SettingResolver(Map.of(CatalogOptions.ENV_PRODUCT_CATALOG, file.toString()));
    assertThat(options.load(fromEnv).orElseThrow().product("prod-a")).isPresent();
    assertThat(options.load(new SettingResolver(Map.of()))).isEmpty();

    options.productCatalog = dir.resolve("missing.json").toString();
    assertThatThrownBy(() -> options.load(fromEnv))
        .hasMessageStartingWith("--product-catalog: product catalog ")
        .hasMessageContaining("missing.json");
  }

  private void assertProblem(String json, String expected) throws IOException {
    Path file = write(json);
    assertThatThrownBy(() -> ProductCatalog.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("product catalog " + file + ": ")
        .hasMessageContaining(expected);
  }
}
