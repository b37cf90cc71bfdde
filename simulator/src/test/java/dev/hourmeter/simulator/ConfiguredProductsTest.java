package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A product's kind comes from the simulator's catalog (products given to the builder, or {@code
 * --product}), not from the first agreement: with a concurrent-agreements product configured and no
 * agreement yet, an agreement that does not say {@code concurrentAgreements} still gets a license
 * (before, {@code ./hourmeter dev --customers 1} made its licensed demo product legacy).
 */
class ConfiguredProductsTest extends SimulatorTestBase {

  @Override
  protected MarketplaceSimulator.Builder configure(MarketplaceSimulator.Builder builder) {
    return super.configure(builder)
        .autoSubscribe(true)
        .product(ProductSpec.concurrentAgreements("prod-licensed", "requests", "gb-hours"))
        .product(ProductSpec.of("prod-legacy", "requests"));
  }

  private HttpSupport.Reply createAgreement(String product, boolean concurrentFlag) {
    return HttpSupport.send(
        sim,
        "POST",
        "/_sim/agreements",
        "{\"productCode\": \""
            + product
            + "\", \"customerAWSAccountId\": \"111122223333\""
            + (concurrentFlag ? ", \"concurrentAgreements\": true" : "")
            + "}");
  }

  @Test
  void aConfiguredLicensedProductGivesItsFirstAgreementALicense() {
    assertThat(sim.agreements().all()).isEmpty();
    HttpSupport.Reply reply = createAgreement("prod-licensed", false);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    assertThat(reply.body().get("licenseArn").asText()).startsWith("arn:aws:license-manager::");
    assertThat(reply.body().get("concurrentAgreements").asBoolean()).isTrue();
    assertThat(reply.body().get("customerIdentifier").isNull()).isTrue();

    HttpSupport.Reply legacy = createAgreement("prod-legacy", true);
    assertThat(legacy.status()).as(legacy.body().toString()).isEqualTo(200);
    assertThat(legacy.body().get("licenseArn").isNull())
        .as("a known product keeps its kind")
        .isTrue();
  }

  @Test
  void configuredProductsSurviveAReset() {
    createAgreement("prod-other", false);
    sim.reset();
    assertThat(sim.products())
        .extracting(p -> p.productCode() + " " + p.concurrentAgreements() + " " + p.dimensions())
        .containsExactly("prod-licensed true [requests, gb-hours]", "prod-legacy false [requests]");
    HttpSupport.Reply reply = createAgreement("prod-licensed", false);
    assertThat(reply.body().get("licenseArn").isNull()).isFalse();
  }
}
