package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.ExpiredTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;

/** Purchase agreements: registration tokens, ResolveCustomer, lifecycle messages and faults. */
class AgreementsTest extends SimulatorTestBase {

  private static final String RESOLVE = "AWSMPMeteringService.ResolveCustomer";
  private static final String METER = "AWSMPMeteringService.BatchMeterUsage";

  private InMemoryAgreementEventSink sink() {
    return (InMemoryAgreementEventSink) sim.agreements().sink();
  }

  private List<JsonNode> events() {
    return sink().messages().stream().map(AgreementsTest::json).toList();
  }

  private static JsonNode json(String text) {
    try {
      return HttpSupport.JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

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

  @Test
  void aConcurrentAgreementResolvesToItsLicenseAndPublishesCreated() {
    JsonNode agreement = createConcurrent();
    String token = agreement.get("registrationToken").asText();
    String license = agreement.get("licenseArn").asText();
    String id = agreement.get("agreementId").asText();
    assertThat(id).matches("agmt-[a-z0-9]{25}");
    assertThat(license).matches("arn:aws:license-manager::123456789012:license/l-[0-9a-f]{32}");
    assertThat(agreement.get("customerIdentifier").isNull()).isTrue();

    HttpSupport.Reply raw =
        HttpSupport.aws(
            sim,
            RESOLVE,
            HttpSupport.JSON.createObjectNode().put("RegistrationToken", token).toString());
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.body().get("CustomerAWSAccountId").asText()).isEqualTo("111122223333");
    assertThat(raw.body().get("ProductCode").asText()).isEqualTo("prod-ca");
    assertThat(raw.body().get("LicenseArn").asText()).isEqualTo(license);
    assertThat(raw.body().at("/Metadata/AgreementId").asText()).isEqualTo(id);
    assertThat(raw.body().has("CustomerIdentifier")).isFalse();

    ResolveCustomerResponse sdk = metering.resolveCustomer(b -> b.registrationToken(token));
    assertThat(sdk.customerAWSAccountId()).isEqualTo("111122223333");
    assertThat(sdk.productCode()).isEqualTo("prod-ca");

    List<JsonNode> events = events();
    assertThat(events).hasSize(1);
    JsonNode created = events.get(0);
    assertThat(created.get("detail-type").asText())
        .isEqualTo("Purchase Agreement Created - Manufacturer");
    assertThat(created.get("source").asText()).isEqualTo("aws.agreement-marketplace");
    assertThat(created.get("account").asText()).isEqualTo("123456789012");
    assertThat(created.at("/detail/agreement/id").asText()).isEqualTo(id);
    assertThat(created.at("/detail/acceptor/accountId").asText()).isEqualTo("111122223333");
    assertThat(created.at("/detail/product/code").asText()).isEqualTo("prod-ca");
    assertThat(created.at("/detail/product/id").asText()).startsWith("prod-");
    assertThat(created.at("/detail/license/arn").asText()).isEqualTo(license);
    assertThat(created.at("/detail/offer/id").asText())
        .isEqualTo(agreement.get("offerId").asText());
    assertThat(created.get("resources").get(0).asText()).endsWith("AWSMarketplace/Agreement/" + id);

    assertThat(
            entitlement
                .getEntitlements(b -> b.productCode("prod-ca"))
                .entitlements()
                .get(0)
                .value()
                .integerValue())
        .isEqualTo(10);
  }

  @Test
  void aLegacyBuyerMayGetTheCustomerIdentifierTheCallerChooses() {
    Agreement agreement =
        sim.agreements()
            .create(AgreementSpec.of("prod-legacy", "111122223333", "requests"), "demo-customer-1");
    assertThat(agreement.customerIdentifier()).isEqualTo("demo-customer-1");
    String token = agreement.registrationToken();
    assertThat(metering.resolveCustomer(b -> b.registrationToken(token)).customerIdentifier())
        .isEqualTo("demo-customer-1");

    AgreementSpec concurrent =
        new AgreementSpec(
            "prod-ca-named", "111122223333", List.of("requests"), List.of(), null, true, false);
    assertThatThrownBy(() -> sim.agreements().create(concurrent, "demo-customer-2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "customerIdentifier: product prod-ca-named uses concurrent agreements");
  }

  @Test
  void registerPostsTheNewTokenToTheFulfillmentUrlAsTheBuyersBrowserDoes() throws Exception {
    java.util.concurrent.BlockingQueue<String> forms =
        new java.util.concurrent.LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer seller =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    seller.createContext(
        "/",
        exchange -> {
          forms.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type")
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), "UTF-8"));
          exchange.getResponseHeaders().set("Location", "https://seller.example/welcome");
          exchange.sendResponseHeaders(303, -1);
          exchange.close();
        });
    seller.start();
    try {
      String url = "http://127.0.0.1:" + seller.getAddress().getPort() + "/register";
      HttpSupport.Reply reply =
          HttpSupport.send(
              sim,
              "POST",
              "/_sim/agreements?register=" + url,
              "{\"productCode\": \"prod-legacy\", \"customerAWSAccountId\": \"111122223333\"}");
      assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
      String token = reply.body().get("registrationToken").asText();
      assertThat(forms.poll(5, java.util.concurrent.TimeUnit.SECONDS))
          .isEqualTo(
              "POST application/x-www-form-urlencoded x-amzn-marketplace-token="
                  + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
      JsonNode registration = reply.body().get("registration");
      assertThat(registration.get("url").asText()).isEqualTo(url);
      assertThat(registration.get("status").asInt()).isEqualTo(303);
      assertThat(registration.get("location").asText()).isEqualTo("https://seller.example/welcome");

      HttpSupport.Reply bad =
          HttpSupport.send(
              sim,
              "POST",
              "/_sim/agreements?register=ftp://x",
              "{\"productCode\": \"prod-legacy\", \"customerAWSAccountId\": \"111122223333\"}");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body().toString()).contains("register: an absolute http(s) URL is required");
    } finally {
      seller.stop(0);
    }
  }

  @Test
  void theTokenAnswersTheSameForFourHoursOfSimulatorTimeThenExpires() {
    Agreement agreement =
        sim.agreements().create(AgreementSpec.of("prod-legacy", "111122223333", "requests"));
    String token = agreement.registrationToken();
    assertThat(agreement.tokenExpiresAt()).isEqualTo(T0.plus(Duration.ofHours(4)));

    clock.advance(Duration.ofHours(4).minusSeconds(1));
    assertThat(metering.resolveCustomer(b -> b.registrationToken(token)).customerIdentifier())
        .isEqualTo(agreement.customerIdentifier());
    assertThat(sim.agreements().get(agreement.id()).orElseThrow().registrationToken())
        .isEqualTo(token);

    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> metering.resolveCustomer(b -> b.registrationToken(token)))
        .isInstanceOf(ExpiredTokenException.class);
    String fresh = sim.agreements().get(agreement.id()).orElseThrow().registrationToken();
    assertThat(fresh).isNotEqualTo(token);
    assertThat(metering.resolveCustomer(b -> b.registrationToken(fresh)).customerIdentifier())
        .isEqualTo(agreement.customerIdentifier());
    assertThatThrownBy(() -> metering.resolveCustomer(b -> b.registrationToken(token)))
        .isInstanceOf(ExpiredTokenException.class);
    assertThatThrownBy(() -> metering.resolveCustomer(b -> b.registrationToken("nope")))
        .isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void amendingAndEndingAConcurrentAgreementPublishesEventsAndRefusesRecordsAfterTheFinalOne() {
    JsonNode agreement = createConcurrent();
    String id = agreement.get("agreementId").asText();
    String license = agreement.get("licenseArn").asText();

    HttpSupport.Reply amended =
        HttpSupport.send(
            sim,
            "POST",
            "/_sim/agreements/" + id + "/amend",
            "{\"entitlements\": [{\"dimension\": \"seats\", \"integerValue\": 25}]}");
    assertThat(amended.status()).isEqualTo(200);
    assertThat(
            entitlement
                .getEntitlements(b -> b.productCode("prod-ca"))
                .entitlements()
                .get(0)
                .value()
                .integerValue())
        .isEqualTo(25);

    assertThat(HttpSupport.send(sim, "POST", "/_sim/agreements/" + id + "/end", null).status())
        .isEqualTo(200);
    assertThat(meterLicensed(license).at("/Results/0/Status").asText()).isEqualTo("Success");
    assertThat(HttpSupport.send(sim, "POST", "/_sim/agreements/" + id + "/end", null).status())
        .isEqualTo(409);

    clock.advance(Duration.ofMinutes(59));
    sim.agreements().deliverDue();
    assertThat(events()).hasSize(3);
    clock.advance(Duration.ofMinutes(1));
    sim.agreements().deliverDue();

    assertThat(events())
        .extracting(e -> e.get("detail-type").asText())
        .containsExactly(
            "Purchase Agreement Created - Manufacturer",
            "License Updated - Manufacturer",
            "Purchase Agreement Ended - Manufacturer",
            "License Deprovisioned - Manufacturer");
    assertThat(events())
        .allSatisfy(e -> assertThat(e.at("/detail/license/arn").asText()).isEqualTo(license));
    assertThat(events().get(3).get("time").asText()).isEqualTo("2026-11-26T11:30:00Z");
    assertThat(sim.agreements().get(id).orElseThrow().status()).isEqualTo(Agreement.Status.ENDED);
    assertThat(meterLicensed(license).at("/Results/0/Status").asText())
        .isEqualTo("CustomerNotSubscribed");
  }

  private JsonNode meterLicensed(String license) {
    String body =
        "{\"UsageRecords\":[{\"Timestamp\":"
            + clock.get().getEpochSecond()
            + ",\"CustomerAWSAccountId\":\"111122223333\",\"Dimension\":\"seats\","
            + "\"Quantity\":1,\"LicenseArn\":\""
            + license
            + "\"}]}";
    HttpSupport.Reply reply = HttpSupport.aws(sim, METER, body);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    return reply.body();
  }

  @Test
  void aLegacyAgreementSpeaksSnsInItsEnvelope() {
    Agreement agreement =
        sim.agreements()
            .create(
                new AgreementSpec(
                    "prod-legacy",
                    "111122223333",
                    List.of("requests"),
                    List.of(),
                    null,
                    false,
                    true));
    assertThat(agreement.licenseArn()).isNull();
    ResolveCustomerResponse resolved =
        metering.resolveCustomer(b -> b.registrationToken(agreement.registrationToken()));
    assertThat(resolved.customerIdentifier()).isEqualTo(agreement.customerIdentifier());
    assertThat(resolved.customerAWSAccountId()).isEqualTo("111122223333");

    sim.agreements().amend(agreement.id(), List.of());
    sim.agreements().end(agreement.id());
    clock.advance(Duration.ofHours(1));
    sim.agreements().deliverDue();

    List<JsonNode> envelopes = events();
    assertThat(envelopes).hasSize(4);
    assertThat(envelopes)
        .allSatisfy(e -> assertThat(e.get("Type").asText()).isEqualTo("Notification"));
    List<JsonNode> messages = envelopes.stream().map(e -> json(e.get("Message").asText())).toList();
    assertThat(messages)
        .extracting(m -> m.get("action").asText())
        .containsExactly(
            "subscribe-success",
            "entitlement-updated",
            "unsubscribe-pending",
            "unsubscribe-success");
    JsonNode subscribed = messages.get(0);
    assertThat(subscribed.get("customer-identifier").asText())
        .isEqualTo(agreement.customerIdentifier());
    assertThat(subscribed.get("product-code").asText()).isEqualTo("prod-legacy");
    assertThat(subscribed.get("offer-identifier").asText()).isEqualTo(agreement.offerId());
    assertThat(subscribed.get("isFreeTrialTermPresent").isTextual()).isTrue();
    assertThat(subscribed.get("isFreeTrialTermPresent").asText()).isEqualTo("true");
    assertThat(envelopes.get(0).get("TopicArn").asText())
        .isEqualTo(
            "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-prod-legacy");
    assertThat(envelopes.get(1).get("TopicArn").asText())
        .isEqualTo(
            "arn:aws:sns:us-east-1:287250355862:aws-mp-entitlement-notification-prod-legacy");
    assertThat(messages.get(1).has("offer-identifier")).isFalse();

    assertThat(
            meter(
                    "prod-legacy",
                    identifierRecord(agreement.customerIdentifier(), "requests", clock.get(), 1))
                .results()
                .get(0)
                .statusAsString())
        .isEqualTo("CustomerNotSubscribed");
  }

  @Test
  void faultsDuplicateReorderAndCorruptEvents() {
    sim.setFaults(FaultSpec.builder().duplicateEventsNext(1).build());
    Agreement first = sim.agreements().create(AgreementSpec.of("prod-legacy", "111122223333"));
    assertThat(sink().messages()).hasSize(2);
    assertThat(sink().messages().get(0)).isEqualTo(sink().messages().get(1));
    sink().clear();

    sim.setFaults(FaultSpec.builder().reorderEventsNext(1).build());
    sim.agreements().amend(first.id(), List.of());
    assertThat(sink().messages()).isEmpty();
    sim.agreements().end(first.id());
    assertThat(events())
        .extracting(e -> json(e.get("Message").asText()).get("action").asText())
        .containsExactly("unsubscribe-pending", "entitlement-updated");
    sink().clear();

    sim.setFaults(FaultSpec.builder().malformedEventsNext(1).build());
    sim.agreements().create(AgreementSpec.of("prod-legacy", "444455556666"));
    assertThat(sink().messages()).hasSize(2);
    assertThatThrownBy(() -> HttpSupport.JSON.readTree(sink().messages().get(0)))
        .isInstanceOf(java.io.IOException.class);
    assertThat(json(sink().messages().get(1)).get("Type").asText()).isEqualTo("Notification");
    assertThat(sim.faults().malformedEventsNext()).isZero();
  }

  @Test
  void aHeldBackEventIsDeliveredAloneWhenNoneFollows() throws InterruptedException {
    sim.setFaults(FaultSpec.builder().reorderEventsNext(1).build());
    sim.agreements().create(AgreementSpec.of("prod-legacy", "111122223333"));
    assertThat(sink().messages()).isEmpty();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (sink().messages().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(sink().messages()).hasSize(1);
  }

  @Test
  void theControlApiChecksItsInput() {
    HttpSupport.Reply bad =
        HttpSupport.send(
            sim,
            "POST",
            "/_sim/agreements",
            "{\"productCode\": \"p\", \"customerAWSAccountId\": \"12345\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("error").asText()).contains("customerAWSAccountId must be 12 digits");
    assertThat(HttpSupport.send(sim, "GET", "/_sim/agreements/agmt-none", null).status())
        .isEqualTo(404);
    assertThat(
            HttpSupport.send(
                    sim,
                    "POST",
                    "/_sim/agreements",
                    "{\"productCode\": \"p\", \"customerAWSAccountId\": \"111122223333\","
                        + " \"pricing\": \"x\"}")
                .body()
                .get("error")
                .asText())
        .contains("pricing: unknown field");
    createConcurrent();
    HttpSupport.Reply list = HttpSupport.send(sim, "GET", "/_sim/agreements", null);
    assertThat(list.body().get("agreements")).hasSize(1);
    HttpSupport.Reply messages = HttpSupport.send(sim, "GET", "/_sim/agreement-events", null);
    assertThat(messages.body().get("messages")).hasSize(1);
  }
}
