package dev.hourmeter.simulator;

import static dev.hourmeter.simulator.ConcurrentAgreementsTest.assertError;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.license;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.record;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.request;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * A migrating product: a legacy product whose customers move to Concurrent Agreements. AWS keeps
 * existing integrations working with the legacy fields, so it takes legacy requests of customers
 * not moved yet and license requests of those moved, side by side.
 */
class MigratingProductTest extends SimulatorTestBase {

  static final String PRODUCT = "prod-migrating";
  static final String LICENSE = license("33333333333333333333333333333333");

  private HttpSupport.Reply meter(String productCode, ObjectNode record) {
    return SignedJson.post(sim, SignedJson.METERING, request(productCode, record));
  }

  private static ObjectNode legacyRecord(String customerIdentifier, long quantity) {
    ObjectNode record = record(ACCOUNT, null, "requests", quantity);
    record.remove("CustomerAWSAccountId");
    record.put("CustomerIdentifier", customerIdentifier);
    return record;
  }

  @Test
  void takesLegacyAndLicenseRequestsSideBySide() {
    sim.registerProduct(ProductSpec.migrating(PRODUCT, "requests"));
    sim.subscribe(SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-legacy"), "requests"));
    sim.subscribe(SubscriptionSpec.ofLicense(PRODUCT, ACCOUNT, LICENSE, "requests"));

    assertThat(statuses(meter(PRODUCT, legacyRecord("cust-legacy", 3)))).containsExactly("Success");
    assertThat(statuses(meter(null, record(ACCOUNT, LICENSE, "requests", 4))))
        .containsExactly("Success");
    assertError(
        meter(PRODUCT, record(ACCOUNT, LICENSE, "requests", 4)), "ValidationException", "not both");

    assertThat(sim.ledger())
        .extracting(LedgerEntry::productCode, LedgerEntry::licenseArn, LedgerEntry::quantity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(PRODUCT, null, 3L),
            org.assertj.core.groups.Tuple.tuple(PRODUCT, LICENSE, 4L));
    assertThat(sim.products())
        .filteredOn(p -> p.productCode().equals(PRODUCT))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.migrating()).isTrue();
              assertThat(p.concurrentAgreements()).isFalse();
            });
  }

  @Test
  void aLegacyProductNotMarkedMigratingStillRefusesLicenses() {
    sim.subscribe(SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-legacy"), "requests"));
    assertThatThrownBy(
            () -> sim.subscribe(SubscriptionSpec.ofLicense(PRODUCT, ACCOUNT, LICENSE, "requests")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("legacy");
    assertThatThrownBy(() -> new ProductSpec(PRODUCT, java.util.List.of(), true, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("migrating");
    sim.registerProduct(ProductSpec.concurrentAgreements("prod-ca-only"));
    assertThatThrownBy(() -> sim.registerProduct(ProductSpec.migrating("prod-ca-only")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be migrating");
  }
}
