package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK for Python against the simulator: boto3's own model (LicenseArn, QuantityAsDecimal,
 * InvalidLicenseException) meters Concurrent Agreements usage; {@code
 * src/test/resources/boto3/concurrent_agreements.py} prints what boto3 answered, as JSON.
 */
class Boto3InteropTest extends SimulatorTestBase {

  static final String PRODUCT_CA = "prod-ca";
  static final String L1 = ConcurrentAgreementsTest.L1;
  static final String L2 = ConcurrentAgreementsTest.L2;
  static final String L_OTHER = ConcurrentAgreementsTest.L_OTHER_ACCOUNT;
  static final String OTHER_ACCOUNT = ConcurrentAgreementsTest.OTHER_ACCOUNT;

  @Test
  void boto3MetersLicensesAndGetsAwsShapedAnswers() throws Exception {
    Path python = Boto3Python.require();
    sim.subscribe(SubscriptionSpec.ofLicense(PRODUCT_CA, ACCOUNT, L1, "requests", "storage"));
    sim.subscribe(SubscriptionSpec.ofLicense(PRODUCT_CA, ACCOUNT, L2, "requests", "storage"));
    sim.subscribe(SubscriptionSpec.ofLicense(PRODUCT_CA, OTHER_ACCOUNT, L_OTHER, "requests"));

    ObjectNode config = HttpSupport.JSON.createObjectNode();
    config.put("endpoint", sim.endpoint().toString());
    config.put("accessKeyId", ACCESS_KEY);
    config.put("hour", HOUR.getEpochSecond());
    config.put("account", ACCOUNT);
    config.put("otherAccount", OTHER_ACCOUNT);
    config.putArray("licenses").add(L1).add(L2);
    config.put("otherLicense", L_OTHER);
    config.put("productCode", PRODUCT_CA);
    Path script = Path.of(getClass().getResource("/boto3/concurrent_agreements.py").toURI());

    Boto3Python.Run run = Boto3Python.run(python, List.of(script.toString(), config.toString()));
    assertThat(run.exitCode()).as("python failed: %s", run.stderr()).isZero();
    JsonNode out = HttpSupport.JSON.readTree(run.stdout());

    assertThat(out.path("modelHasLicenseArn").asBoolean())
        .as("boto3 %s", out.path("boto3"))
        .isTrue();
    JsonNode accepted = out.path("accepted");
    assertThat(accepted)
        .extracting(r -> r.path("status").asText())
        .containsExactly("Success", "Success");
    assertThat(accepted).extracting(r -> r.path("licenseArn").asText()).containsExactly(L1, L2);
    assertThat(accepted).allSatisfy(r -> assertThat(r.path("account").asText()).isEqualTo(ACCOUNT));
    String id1 = accepted.get(0).path("meteringRecordId").asText();
    assertThat(id1).isNotEmpty().isNotEqualTo(accepted.get(1).path("meteringRecordId").asText());
    assertThat(out.at("/resent/0/status").asText()).isEqualTo("Success");
    assertThat(out.at("/resent/0/meteringRecordId").asText()).isEqualTo(id1);
    assertThat(out.at("/duplicate/0/status").asText()).isEqualTo("DuplicateRecord");
    assertThat(out.at("/duplicate/0/meteringRecordId").asText()).isEqualTo(id1);

    JsonNode invalidLicense = out.path("otherAccountsLicense");
    assertThat(invalidLicense.path("code").asText()).isEqualTo("InvalidLicenseException");
    assertThat(invalidLicense.path("httpStatus").asInt()).isEqualTo(400);
    assertThat(invalidLicense.path("modeledException").asBoolean())
        .as(
            "boto3 raised its modeled MarketplaceMetering.Client.exceptions.InvalidLicenseException")
        .isTrue();
    assertThat(invalidLicense.path("message").asText()).contains(L_OTHER);
    JsonNode both = out.path("productCodeAndLicenseArn");
    assertThat(both.path("code").asText()).isEqualTo("ValidationException");
    assertThat(both.path("message").asText()).contains("not both");

    if (out.path("modelHasQuantityAsDecimal").asBoolean()) {
      assertThat(out.at("/decimalSameValue/0/status").asText())
          .as("5.00 is the 5 already billed")
          .isEqualTo("Success");
      assertThat(out.at("/decimalSameValue/0/meteringRecordId").asText()).isEqualTo(id1);
      assertThat(out.at("/decimalSameValue/0/quantityAsDecimal").asText()).isEqualTo("5.00");
      assertThat(out.at("/decimalFraction/0/status").asText()).isEqualTo("Success");
      assertThat(out.at("/decimalPattern/code").asText()).isEqualTo("ValidationException");
      assertThat(out.at("/quantityAndDecimal/code").asText()).isEqualTo("ValidationException");
      assertThat(sim.ledger(null, ACCOUNT, L2))
          .extracting(LedgerEntry::dimension, LedgerEntry::quantityAsDecimal)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("requests", new BigDecimal("5")),
              org.assertj.core.groups.Tuple.tuple("storage", new BigDecimal("17.42")));
      assertThat(sim.ledger()).hasSize(3);
    } else {
      assertThat(sim.ledger()).hasSize(2);
    }
    assertThat(sim.ledger(null, ACCOUNT, L1))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.productCode()).isEqualTo(PRODUCT_CA);
              assertThat(e.quantity()).isEqualTo(5);
              assertThat(e.meteringRecordId()).isEqualTo(id1);
            });

    assertThat(out.path("entitlements"))
        .extracting(e -> e.path("licenseArn").asText())
        .containsExactly(L1, L1, L2, L2);
    assertThat(out.path("entitlements"))
        .allSatisfy(e -> assertThat(e.path("account").asText()).isEqualTo(ACCOUNT));

    // boto3's Quantity records in well-formed requests (2 accepted, 1 resent, 1 duplicate, 2 in
    // the request refused for the other account's license) are counted; its decimal ones are not.
    assertThat(sim.deprecatedQuantityRecords()).isEqualTo(6);

    JsonNode event = HttpSupport.JSON.readTree(sim.cloudTrailEvents().get(0));
    assertThat(event.path("userAgent").asText()).as("the caller was boto3").contains("Boto3/");
    assertThat(event.at("/userIdentity/accessKeyId").asText()).isEqualTo(ACCESS_KEY);
    assertThat(event.at("/requestParameters/usageRecords/1/licenseArn").asText()).isEqualTo(L2);
  }
}
