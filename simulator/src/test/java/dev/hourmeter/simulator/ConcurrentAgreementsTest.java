package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent-agreements products over the wire: signed AWS JSON with the LicenseArn the Java SDK's
 * model (2.40.2) lacks.
 */
class ConcurrentAgreementsTest extends SimulatorTestBase {

  static final String CA_PRODUCT = "prod-ca";
  static final String OTHER_CA_PRODUCT = "prod-ca-2";
  static final String L1 = license("0123456789abcdef0123456789abcdef");
  static final String L2 = license("fedcba9876543210fedcba9876543210");
  static final String L_OTHER_ACCOUNT = license("11111111111111111111111111111111");
  static final String L_OTHER_PRODUCT = license("22222222222222222222222222222222");
  static final String OTHER_ACCOUNT = "444455556666";

  static String license(String id) {
    return "arn:aws:license-manager::294406891311:license:l-" + id;
  }

  @BeforeEach
  void subscribeLicenses() {
    sim.subscribe(SubscriptionSpec.ofLicense(CA_PRODUCT, ACCOUNT, L1, "requests"));
    sim.subscribe(SubscriptionSpec.ofLicense(CA_PRODUCT, ACCOUNT, L2, "requests"));
    sim.subscribe(
        SubscriptionSpec.ofLicense(CA_PRODUCT, OTHER_ACCOUNT, L_OTHER_ACCOUNT, "requests"));
    sim.subscribe(SubscriptionSpec.ofLicense(OTHER_CA_PRODUCT, ACCOUNT, L_OTHER_PRODUCT, "cpu"));
  }

  static ObjectNode record(String account, String licenseArn, String dimension, long quantity) {
    ObjectNode record = HttpSupport.JSON.createObjectNode();
    record.put("Timestamp", HOUR.getEpochSecond());
    record.put("CustomerAWSAccountId", account);
    if (licenseArn != null) {
      record.put("LicenseArn", licenseArn);
    }
    record.put("Dimension", dimension);
    record.put("Quantity", quantity);
    return record;
  }

  static String request(String productCode, ObjectNode... records) {
    ObjectNode body = HttpSupport.JSON.createObjectNode();
    if (productCode != null) {
      body.put("ProductCode", productCode);
    }
    ArrayNode list = body.putArray("UsageRecords");
    List.of(records).forEach(list::add);
    return body.toString();
  }

  HttpSupport.Reply meterJson(String productCode, ObjectNode... records) {
    return SignedJson.post(sim, SignedJson.METERING, request(productCode, records));
  }

  static List<String> statuses(HttpSupport.Reply reply) {
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    return StreamSupport.stream(reply.body().path("Results").spliterator(), false)
        .map(r -> r.path("Status").asText())
        .toList();
  }

  static void assertError(HttpSupport.Reply reply, String type, String messagePart) {
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(400);
    assertThat(reply.body().path("__type").asText()).isEqualTo(type);
    assertThat(reply.raw().headers().firstValue("x-amzn-ErrorType")).contains(type);
    assertThat(reply.body().path("message").asText()).contains(messagePart);
  }

  @Test
  void oneAccountMetersTwoLicensesOfOneProductSeparately() {
    HttpSupport.Reply reply =
        meterJson(null, record(ACCOUNT, L1, "requests", 5), record(ACCOUNT, L2, "requests", 5));

    assertThat(statuses(reply)).containsExactly("Success", "Success");
    JsonNode first = reply.body().path("Results").get(0);
    assertThat(first.path("UsageRecord").path("LicenseArn").asText()).isEqualTo(L1);
    assertThat(first.path("UsageRecord").path("CustomerAWSAccountId").asText()).isEqualTo(ACCOUNT);
    String id1 = first.path("MeteringRecordId").asText();
    String id2 = reply.body().path("Results").get(1).path("MeteringRecordId").asText();
    assertThat(id1).isNotEqualTo(id2);

    HttpSupport.Reply again = meterJson(null, record(ACCOUNT, L1, "requests", 5));
    HttpSupport.Reply other = meterJson(null, record(ACCOUNT, L1, "requests", 7));
    assertThat(statuses(again)).containsExactly("Success");
    assertThat(again.body().path("Results").get(0).path("MeteringRecordId").asText())
        .isEqualTo(id1);
    assertThat(statuses(other)).containsExactly("DuplicateRecord");
    assertThat(other.body().path("Results").get(0).path("MeteringRecordId").asText())
        .isEqualTo(id1);

    assertThat(sim.ledger())
        .extracting(LedgerEntry::productCode, LedgerEntry::licenseArn, LedgerEntry::quantity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(CA_PRODUCT, L1, 5L),
            org.assertj.core.groups.Tuple.tuple(CA_PRODUCT, L2, 5L));
    assertThat(sim.ledger(null, ACCOUNT, L2))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.meteringRecordId()).isEqualTo(id2);
              assertThat(e.customer()).isEqualTo(CustomerId.awsAccount(ACCOUNT));
            });
  }

  @Test
  void bothProductCodeAndLicenseArnAreRefused() {
    assertError(
        meterJson(CA_PRODUCT, record(ACCOUNT, L1, "requests", 1)),
        "ValidationException",
        "not both");
    sim.registerProduct(ProductSpec.of("legacy-prod", "requests"));
    assertError(
        meterJson("legacy-prod", record(ACCOUNT, L1, "requests", 1)),
        "ValidationException",
        "not both");
    assertThat(sim.ledger()).isEmpty();
  }

  @Test
  void aConcurrentAgreementsProductRefusesCustomerIdentifierAndProductCodeRequests() {
    ObjectNode legacyId = record(ACCOUNT, L1, "requests", 1);
    legacyId.remove("CustomerAWSAccountId");
    legacyId.put("CustomerIdentifier", "cust-legacy");
    assertError(
        meterJson(null, legacyId), "InvalidCustomerIdentifierException", "CustomerIdentifier");

    ObjectNode legacyRecord = record(ACCOUNT, null, "requests", 1);
    legacyRecord.remove("CustomerAWSAccountId");
    legacyRecord.put("CustomerIdentifier", "cust-legacy");
    assertError(
        meterJson(CA_PRODUCT, legacyRecord),
        "InvalidCustomerIdentifierException",
        "Concurrent Agreements");

    assertError(
        meterJson(CA_PRODUCT, record(ACCOUNT, null, "requests", 1)),
        "InvalidLicenseException",
        "LicenseArn");
    assertThat(sim.ledger()).isEmpty();
  }

  @Test
  void aLicenseThatIsNotTheAccountsOrTheProductsFailsTheWholeRequest() {
    assertError(
        meterJson(
            null,
            record(ACCOUNT, L1, "requests", 1),
            record(ACCOUNT, L_OTHER_ACCOUNT, "requests", 1)),
        "InvalidLicenseException",
        "not a license of account " + ACCOUNT);
    assertError(
        meterJson(
            null, record(ACCOUNT, L1, "requests", 1), record(ACCOUNT, L_OTHER_PRODUCT, "cpu", 1)),
        "InvalidLicenseException",
        "one product per request");
    assertError(
        meterJson(
            null, record(ACCOUNT, license("33333333333333333333333333333333"), "requests", 1)),
        "InvalidLicenseException",
        "not a valid license");
    assertError(
        meterJson(null, record(ACCOUNT, L1, "requests", 1), record(ACCOUNT, null, "requests", 1)),
        "InvalidLicenseException",
        "Usage record 2");
    assertThat(sim.ledger()).isEmpty();
  }

  @Test
  void licenseArnMustMatchTheModelsPattern() {
    assertError(
        meterJson(null, record(ACCOUNT, "l-0123456789abcdef", "requests", 1)),
        "ValidationException",
        "usageRecords.1.member.licenseArn");
  }

  @Test
  void dimensionsAreThoseOfTheLicensesProduct() {
    assertError(
        meterJson(null, record(ACCOUNT, L1, "cpu", 1)), "InvalidUsageDimensionException", "cpu");
  }

  @Test
  void anUnsubscribedLicenseIsCustomerNotSubscribed() {
    sim.subscribe(
        SubscriptionSpec.ofLicense(CA_PRODUCT, ACCOUNT, L2, "requests").withSubscribed(false));
    assertThat(
            statuses(
                meterJson(
                    null, record(ACCOUNT, L1, "requests", 1), record(ACCOUNT, L2, "requests", 1))))
        .containsExactly("Success", "CustomerNotSubscribed");
    assertThat(sim.ledger()).singleElement().extracting(LedgerEntry::licenseArn).isEqualTo(L1);
  }

  @Test
  void cloudTrailEventsCarryTheLicenseAndNoProductCode() throws Exception {
    statuses(meterJson(null, record(ACCOUNT, L1, "requests", 3)));
    JsonNode event = HttpSupport.JSON.readTree(sim.cloudTrailEvents().get(0));
    assertThat(event.path("requestParameters").has("productCode")).isFalse();
    assertThat(event.at("/requestParameters/usageRecords/0/licenseArn").asText()).isEqualTo(L1);
    assertThat(event.at("/responseElements/results/0/usageRecord/licenseArn").asText())
        .isEqualTo(L1);
    assertThat(event.at("/responseElements/results/0/usageRecord/quantity").asLong()).isEqualTo(3);
    assertThat(event.at("/userIdentity/accessKeyId").asText())
        .as("the request was SigV4-signed")
        .isEqualTo(ACCESS_KEY);
  }

  @Test
  void getEntitlementsCarriesTheLicenseAndFiltersByAccountOrLicense() {
    HttpSupport.Reply byAccount =
        SignedJson.post(
            sim,
            SignedJson.ENTITLEMENT,
            "{\"ProductCode\":\""
                + CA_PRODUCT
                + "\",\"Filter\":{\"CUSTOMER_AWS_ACCOUNT_ID\":[\""
                + ACCOUNT
                + "\"]}}");
    assertThat(byAccount.status()).isEqualTo(200);
    assertThat(byAccount.body().path("Entitlements"))
        .extracting(e -> e.path("LicenseArn").asText())
        .containsExactly(L1, L2);
    assertThat(byAccount.body().path("Entitlements"))
        .allSatisfy(
            e -> {
              assertThat(e.path("CustomerAWSAccountId").asText()).isEqualTo(ACCOUNT);
              assertThat(e.path("ProductCode").asText()).isEqualTo(CA_PRODUCT);
              assertThat(e.path("Dimension").asText()).isEqualTo("requests");
            });

    HttpSupport.Reply byLicense =
        SignedJson.post(
            sim,
            SignedJson.ENTITLEMENT,
            "{\"ProductCode\":\""
                + CA_PRODUCT
                + "\",\"Filter\":{\"LICENSE_ARN\":[\""
                + L2
                + "\"]}}");
    assertThat(byLicense.body().path("Entitlements"))
        .extracting(e -> e.path("LicenseArn").asText())
        .containsExactly(L2);
    assertThat(byLicense.body().has("NextToken")).isFalse();

    HttpSupport.Reply both =
        SignedJson.post(
            sim,
            SignedJson.ENTITLEMENT,
            "{\"ProductCode\":\""
                + CA_PRODUCT
                + "\",\"Filter\":{\"CUSTOMER_AWS_ACCOUNT_ID\":[\""
                + ACCOUNT
                + "\"],\"CUSTOMER_IDENTIFIER\":[\"c\"]}}");
    assertError(both, "InvalidParameterException", "mutually exclusive");
  }

  @Test
  void aProductIsEitherLegacyOrConcurrentAgreements() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> sim.subscribe(SubscriptionSpec.of(CA_PRODUCT, CustomerId.awsAccount(ACCOUNT))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("licenseArn");
    subscribeAccount(ACCOUNT, "requests");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> sim.subscribe(SubscriptionSpec.ofLicense(PRODUCT, ACCOUNT, license("44"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("legacy");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> sim.subscribe(SubscriptionSpec.ofLicense(CA_PRODUCT, OTHER_ACCOUNT, L1)))
        .as("a license belongs to one account")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already granted");
    assertThat(sim.products())
        .filteredOn(p -> p.productCode().equals(CA_PRODUCT))
        .singleElement()
        .satisfies(p -> assertThat(p.concurrentAgreements()).isTrue());
  }
}
