package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplaceagreement.MarketplaceAgreementClient;
import software.amazon.awssdk.services.marketplaceagreement.model.AgreementStatus;
import software.amazon.awssdk.services.marketplaceagreement.model.DescribeAgreementResponse;
import software.amazon.awssdk.services.marketplaceagreement.model.ResourceNotFoundException;

/**
 * Renewals and replacements ({@code /_sim/agreements/{id}/renew|replace}): the new agreement, the
 * old one's Ended event with its status and the new one's Created event in either order, the
 * entitlements moving to the new license, and DescribeAgreement through the real Java SDK client
 * ({@code marketplaceagreement} 2.40.2, AWS JSON 1.0).
 */
class AgreementRenewalTest extends SimulatorTestBase {

  private static final String ENDED = "Purchase Agreement Ended - Manufacturer";
  private static final String CREATED = "Purchase Agreement Created - Manufacturer";
  private static final String DEPROVISIONED = "License Deprovisioned - Manufacturer";
  private static final String DESCRIBE = "AWSMPCommerceService_v20200301.DescribeAgreement";

  /** The hand-over: ten minutes into the 10:00 period. */
  private static final Instant HANDOVER = T0.plus(Duration.ofMinutes(10));

  private MarketplaceAgreementClient agreements;

  @BeforeEach
  void startAgreementClient() {
    agreements =
        MarketplaceAgreementClient.builder()
            .endpointOverride(sim.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials())
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
  }

  @AfterEach
  void stopAgreementClient() {
    agreements.close();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "renew, ended-first, RENEWED",
    "renew, created-first, RENEWED",
    "replace, ended-first, REPLACED",
    "replace, created-first, REPLACED"
  })
  void aRenewalOrReplacementHandsTheBuyerOverToANewLicense(
      String action, String order, String status) {
    JsonNode old = createConcurrent();
    String oldId = old.get("agreementId").asText();
    String oldLicense = old.get("licenseArn").asText();
    sink().clear();
    clock.set(HANDOVER);

    HttpSupport.Reply reply =
        HttpSupport.send(
            sim, "POST", "/_sim/agreements/" + oldId + "/" + action + "?order=" + order, null);

    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    JsonNode successor = reply.body();
    String newId = successor.get("agreementId").asText();
    String newLicense = successor.get("licenseArn").asText();
    assertThat(newId).matches("agmt-[a-z0-9]{25}").isNotEqualTo(oldId);
    assertThat(newLicense)
        .matches("arn:aws:license-manager::123456789012:license/l-[0-9a-f]{32}")
        .isNotEqualTo(oldLicense);
    assertThat(successor.get("customerAWSAccountId").asText()).isEqualTo(ACCOUNT);
    assertThat(successor.get("productCode").asText()).isEqualTo("prod-ca");
    assertThat(successor.get("agreementStatus").asText()).isEqualTo("ACTIVE");
    assertThat(successor.get("predecessorId").asText()).isEqualTo(oldId);
    assertThat(successor.get("initialAgreementId").asText()).isEqualTo(oldId);
    assertThat(successor.get("createdAt").asText()).isEqualTo(HANDOVER.toString());
    assertThat(successor.get("offerId").asText().equals(old.get("offerId").asText()))
        .as("a renewal keeps the offer, a replacement comes from another")
        .isEqualTo(action.equals("renew"));

    // The two events, in the order asked for; the Ended one carries why.
    List<JsonNode> events = events();
    assertThat(events)
        .extracting(e -> e.get("detail-type").asText())
        .containsExactlyElementsOf(
            order.equals("created-first") ? List.of(CREATED, ENDED) : List.of(ENDED, CREATED));
    JsonNode ended = byType(events, ENDED);
    assertThat(ended.at("/detail/agreement/id").asText()).isEqualTo(oldId);
    assertThat(ended.at("/detail/agreement/status").asText()).isEqualTo(status);
    assertThat(ended.at("/detail/license/arn").asText()).isEqualTo(oldLicense);
    assertThat(ended.at("/detail/acceptor/accountId").asText()).isEqualTo(ACCOUNT);
    assertThat(ended.get("time").asText()).isEqualTo("2026-11-26T10:40:00Z");
    JsonNode created = byType(events, CREATED);
    assertThat(created.at("/detail/agreement/id").asText()).isEqualTo(newId);
    assertThat(created.at("/detail/agreement/status").asText()).isEqualTo("ACTIVE");
    assertThat(created.at("/detail/agreement/intent").asText())
        .isEqualTo(action.equals("replace") ? "REPLACE" : "NEW");
    assertThat(created.at("/detail/license/arn").asText()).isEqualTo(newLicense);
    assertThat(created.at("/detail/acceptor/accountId").asText()).isEqualTo(ACCOUNT);
    assertThat(created.at("/detail/product/code").asText()).isEqualTo("prod-ca");
    assertThat(created.toString()).doesNotContain(oldId).doesNotContain(oldLicense);

    JsonNode oldNow = HttpSupport.send(sim, "GET", "/_sim/agreements/" + oldId, null).body();
    assertThat(oldNow.get("agreementStatus").asText()).isEqualTo(status);
    assertThat(oldNow.get("status").asText()).isEqualTo("ENDING");
    assertThat(oldNow.get("successorId").asText()).isEqualTo(newId);
    assertThat(oldNow.get("endsAt").asText()).isEqualTo(HANDOVER.toString());

    // DescribeAgreement, through the real SDK client.
    DescribeAgreementResponse describedOld =
        agreements.describeAgreement(b -> b.agreementId(oldId));
    assertThat(describedOld.statusAsString()).isEqualTo(status);
    assertThat(describedOld.status()).isEqualTo(AgreementStatus.fromValue(status));
    assertThat(describedOld.agreementId()).isEqualTo(oldId);
    assertThat(describedOld.acceptor().accountId()).isEqualTo(ACCOUNT);
    assertThat(describedOld.proposer().accountId()).isEqualTo("123456789012");
    assertThat(describedOld.startTime()).isEqualTo(T0);
    assertThat(describedOld.acceptanceTime()).isEqualTo(T0);
    assertThat(describedOld.endTime()).isEqualTo(HANDOVER);
    assertThat(describedOld.agreementType()).isEqualTo("PurchaseAgreement");
    assertThat(describedOld.proposalSummary().offerId()).isEqualTo(old.get("offerId").asText());
    assertThat(describedOld.proposalSummary().resources())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.id()).isEqualTo(AgreementEvents.productId("prod-ca"));
              assertThat(r.type()).isEqualTo("SaaSProduct");
            });
    DescribeAgreementResponse describedNew =
        agreements.describeAgreement(b -> b.agreementId(newId));
    assertThat(describedNew.status()).isEqualTo(AgreementStatus.ACTIVE);
    assertThat(describedNew.acceptor().accountId()).isEqualTo(ACCOUNT);
    assertThat(describedNew.startTime()).isEqualTo(HANDOVER);
    assertThat(describedNew.endTime()).isNull();

    // Entitlements move to the new license from the hand-over on.
    assertThat(entitledLicenses(oldLicense)).isEmpty();
    assertThat(entitledLicenses(newLicense)).containsExactly(newLicense);
    assertThat(entitlementsOfAccount())
        .extracting(e -> e.path("LicenseArn").asText() + " " + e.at("/Value/IntegerValue").asInt())
        .containsExactly(newLicense + " 10");

    // The old license keeps its final window (one period), then is deprovisioned.
    assertThat(meterLicensed(oldLicense, HANDOVER.minusSeconds(60))).isEqualTo("Success");
    assertThat(meterLicensed(newLicense, HANDOVER)).isEqualTo("Success");
    clock.advance(Duration.ofHours(1));
    sim.agreements().deliverDue();
    JsonNode deprovisioned = events().get(2);
    assertThat(deprovisioned.get("detail-type").asText()).isEqualTo(DEPROVISIONED);
    assertThat(deprovisioned.at("/detail/agreement/id").asText()).isEqualTo(oldId);
    assertThat(deprovisioned.at("/detail/agreement/status").asText()).isEqualTo(status);
    assertThat(events()).hasSize(3);
    assertThat(meterLicensed(oldLicense, clock.get())).isEqualTo("CustomerNotSubscribed");
    assertThat(meterLicensed(newLicense, clock.get())).isEqualTo("Success");
    assertThat(sim.agreements().get(oldId).orElseThrow().status())
        .isEqualTo(Agreement.Status.ENDED);
    assertThat(agreements.describeAgreement(b -> b.agreementId(oldId)).statusAsString())
        .isEqualTo(status);
  }

  @Test
  void aReplacementMayComeWithOtherEntitlementsAndTheJavaApiChoosesTheOrder() {
    JsonNode old = createConcurrent();
    String oldId = old.get("agreementId").asText();
    HttpSupport.Reply replaced =
        HttpSupport.send(
            sim,
            "POST",
            "/_sim/agreements/" + oldId + "/replace",
            "{\"entitlements\": [{\"dimension\": \"seats\", \"integerValue\": 25}]}");
    assertThat(replaced.status()).as(replaced.body().toString()).isEqualTo(200);
    String second = replaced.body().get("agreementId").asText();
    assertThat(entitlementsOfAccount())
        .extracting(e -> e.at("/Value/IntegerValue").asInt())
        .containsExactly(25);
    assertThat(events())
        .extracting(e -> e.get("detail-type").asText())
        .containsExactly(CREATED, ENDED, CREATED);

    sink().clear();
    SimulatorAgreements.Succession renewal =
        sim.agreements()
            .renew(
                second,
                List.of(EntitlementSpec.ofInteger("seats", 30, null)),
                SimulatorAgreements.EventOrder.CREATED_FIRST);
    assertThat(renewal.predecessor().agreementStatus())
        .isEqualTo(Agreement.AgreementStatus.RENEWED);
    assertThat(renewal.predecessor().successorId()).isEqualTo(renewal.successor().id());
    assertThat(renewal.successor().predecessorId()).isEqualTo(second);
    assertThat(renewal.successor().initialAgreementId()).isEqualTo(oldId);
    assertThat(events())
        .extracting(
            e -> e.get("detail-type").asText() + " " + e.at("/detail/agreement/id").asText())
        .containsExactly(CREATED + " " + renewal.successor().id(), ENDED + " " + second);
    assertThat(entitlementsOfAccount())
        .extracting(e -> e.at("/Value/IntegerValue").asInt())
        .containsExactly(30);

    // initialAgreementId (newer models than the Java SDK's 2.40.2) names the chain's first.
    HttpSupport.Reply raw =
        HttpSupport.aws(
            sim,
            DESCRIBE,
            "application/x-amz-json-1.0",
            "{\"agreementId\":\"" + renewal.successor().id() + "\"}");
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.raw().headers().firstValue("Content-Type"))
        .hasValue("application/x-amz-json-1.0");
    assertThat(raw.body().get("initialAgreementId").asText()).isEqualTo(oldId);
    assertThat(raw.body().get("status").asText()).isEqualTo("ACTIVE");
    assertThat(raw.body().get("startTime").isNumber()).isTrue();
  }

  @Test
  void endIsACancellation() {
    String id = createConcurrent().get("agreementId").asText();
    assertThat(HttpSupport.send(sim, "POST", "/_sim/agreements/" + id + "/end", null).status())
        .isEqualTo(200);
    clock.advance(Duration.ofHours(1));
    sim.agreements().deliverDue();
    assertThat(events())
        .extracting(
            e -> e.get("detail-type").asText() + " " + e.at("/detail/agreement/status").asText())
        .containsExactly(CREATED + " ACTIVE", ENDED + " CANCELLED", DEPROVISIONED + " CANCELLED");
    DescribeAgreementResponse described = agreements.describeAgreement(b -> b.agreementId(id));
    assertThat(described.statusAsString()).isEqualTo("CANCELLED");
    // The served 2.40.2 model's enum does have CANCELLED (javap: ACTIVE ... TERMINATED).
    assertThat(described.status()).isEqualTo(AgreementStatus.CANCELLED);
    assertThat(described.endTime()).isEqualTo(T0);
    assertThat(sim.agreements().get(id).orElseThrow().agreementStatus())
        .isEqualTo(Agreement.AgreementStatus.CANCELLED);
  }

  @Test
  void aLegacyRenewalKeepsTheCustomerIdentifierAndPublishesAnEntitlementUpdate() {
    Agreement old =
        sim.agreements().create(AgreementSpec.of("prod-legacy", ACCOUNT, "requests"), "cust-1");
    HttpSupport.Reply reply =
        HttpSupport.send(sim, "POST", "/_sim/agreements/" + old.id() + "/renew", null);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    JsonNode successor = reply.body();
    assertThat(successor.get("customerIdentifier").asText()).isEqualTo("cust-1");
    assertThat(successor.get("licenseArn").isNull()).isTrue();
    assertThat(successor.get("agreementId").asText()).isNotEqualTo(old.id());

    List<JsonNode> messages =
        sink().messages().stream().map(m -> json(json(m).get("Message").asText())).toList();
    assertThat(messages)
        .extracting(m -> m.get("action").asText())
        .containsExactly("subscribe-success", "entitlement-updated");
    Agreement renewed = sim.agreements().get(old.id()).orElseThrow();
    assertThat(renewed.status()).isEqualTo(Agreement.Status.ENDED);
    assertThat(renewed.agreementStatus()).isEqualTo(Agreement.AgreementStatus.RENEWED);
    assertThat(renewed.deprovisionedAt()).isNull();
    assertThat(agreements.describeAgreement(b -> b.agreementId(old.id())).status())
        .isEqualTo(AgreementStatus.RENEWED);
    assertThat(
            meter("prod-legacy", identifierRecord("cust-1", "requests", clock.get(), 1))
                .results()
                .get(0)
                .statusAsString())
        .isEqualTo("Success");
  }

  @Test
  void theControlApiRefusesWhatItCannotRenew() {
    assertThat(HttpSupport.send(sim, "POST", "/_sim/agreements/agmt-none/renew", null).status())
        .isEqualTo(404);
    String id = createConcurrent().get("agreementId").asText();
    HttpSupport.Reply badOrder =
        HttpSupport.send(sim, "POST", "/_sim/agreements/" + id + "/renew?order=sideways", null);
    assertThat(badOrder.status()).isEqualTo(400);
    assertThat(badOrder.body().get("error").asText())
        .contains("order must be ended-first or created-first");
    HttpSupport.Reply badBody =
        HttpSupport.send(sim, "POST", "/_sim/agreements/" + id + "/replace", "{\"seats\": 3}");
    assertThat(badBody.status()).isEqualTo(400);
    assertThat(HttpSupport.send(sim, "GET", "/_sim/agreements/" + id + "/renew", null).status())
        .isEqualTo(405);
    assertThat(events()).hasSize(1);

    assertThat(HttpSupport.send(sim, "POST", "/_sim/agreements/" + id + "/renew", null).status())
        .isEqualTo(200);
    HttpSupport.Reply again =
        HttpSupport.send(sim, "POST", "/_sim/agreements/" + id + "/replace", null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body().get("error").asText()).contains("cannot replace it");
  }

  @Test
  void describeAgreementAnswersTheModeledErrors() {
    assertThatThrownBy(() -> agreements.describeAgreement(b -> b.agreementId("agmt-unknown")))
        .isInstanceOfSatisfying(
            ResourceNotFoundException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(404);
              assertThat(e.resourceId()).isEqualTo("agmt-unknown");
              assertThat(e.resourceTypeAsString()).isEqualTo("Agreement");
            });
    HttpSupport.Reply missing = HttpSupport.aws(sim, DESCRIBE, "application/x-amz-json-1.0", "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body().get("__type").asText()).isEqualTo("ValidationException");
    assertThat(missing.body().get("reason").asText()).isEqualTo("MISSING_AGREEMENT_ID");
    assertThat(sim.requestLog())
        .extracting(RequestLogEntry::operation)
        .contains("DescribeAgreement");
  }

  @Test
  void aSmithyRpcV2CborRequestIsRefusedPlainly() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            sim.endpoint()
                                + "/service/AWSMPCommerceService_v20200301/operation/DescribeAgreement"))
                    .header("smithy-protocol", "rpc-v2-cbor")
                    .header("Content-Type", "application/cbor")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xa0}))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.body())
        .contains("UnsupportedProtocolException")
        .contains("not Smithy RPC v2 CBOR");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private JsonNode createConcurrent() {
    HttpSupport.Reply reply =
        HttpSupport.send(
            sim,
            "POST",
            "/_sim/agreements",
            """
            {"productCode": "prod-ca", "customerAWSAccountId": "111122223333",
             "concurrentAgreements": true, "pricingModel": "CONTRACT",
             "entitlements": [{"dimension": "seats", "integerValue": 10}]}
            """);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    return reply.body();
  }

  private InMemoryAgreementEventSink sink() {
    return (InMemoryAgreementEventSink) sim.agreements().sink();
  }

  private List<JsonNode> events() {
    return sink().messages().stream().map(AgreementRenewalTest::json).toList();
  }

  private static JsonNode byType(List<JsonNode> events, String detailType) {
    return events.stream()
        .filter(e -> e.get("detail-type").asText().equals(detailType))
        .findFirst()
        .orElseThrow();
  }

  private static JsonNode json(String text) {
    try {
      return HttpSupport.JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GetEntitlements filtered by LICENSE_ARN: the licenses it lists. */
  private List<String> entitledLicenses(String license) {
    HttpSupport.Reply reply =
        SignedJson.post(
            sim,
            SignedJson.ENTITLEMENT,
            "{\"ProductCode\":\"prod-ca\",\"Filter\":{\"LICENSE_ARN\":[\"" + license + "\"]}}");
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    return reply.body().path("Entitlements").findValuesAsText("LicenseArn");
  }

  private List<JsonNode> entitlementsOfAccount() {
    HttpSupport.Reply reply =
        SignedJson.post(
            sim,
            SignedJson.ENTITLEMENT,
            "{\"ProductCode\":\"prod-ca\",\"Filter\":{\"CUSTOMER_AWS_ACCOUNT_ID\":[\""
                + ACCOUNT
                + "\"]}}");
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    return StreamSupport.stream(reply.body().path("Entitlements").spliterator(), false).toList();
  }

  /** One record of 1 seat under {@code license} at {@code timestamp}: its status. */
  private String meterLicensed(String license, Instant timestamp) {
    String body =
        "{\"UsageRecords\":[{\"Timestamp\":"
            + timestamp.getEpochSecond()
            + ",\"CustomerAWSAccountId\":\""
            + ACCOUNT
            + "\",\"Dimension\":\"seats\",\"Quantity\":1,\"LicenseArn\":\""
            + license
            + "\"}]}";
    HttpSupport.Reply reply = SignedJson.post(sim, SignedJson.METERING, body);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    return reply.body().at("/Results/0/Status").asText();
  }
}
