package dev.hourmeter.simulator;

import static dev.hourmeter.simulator.ConcurrentAgreementsTest.L1;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.L2;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.record;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.request;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Concurrent-agreements products set up through the control API, as a demo or script would. */
class ConcurrentAgreementsControlTest extends SimulatorTestBase {

  private HttpSupport.Reply post(String path, String body) {
    return HttpSupport.send(sim, "POST", path, body);
  }

  private HttpSupport.Reply get(String path) {
    return HttpSupport.send(sim, "GET", path, null);
  }

  private static void assertError(HttpSupport.Reply reply, String part) {
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(400);
    assertThat(reply.body().path("error").asText()).contains(part);
  }

  @Test
  void subscriptionsWithALicenseMakeAConcurrentAgreementsProduct() {
    HttpSupport.Reply created =
        post(
            "/_sim/subscriptions",
            """
            {"productCode":"prod-ca","customerAWSAccountId":"%s","licenseArn":"%s",
             "dimensions":["requests"]}"""
                .formatted(ACCOUNT, L1));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    assertThat(created.body().path("licenseArn").asText()).isEqualTo(L1);
    post(
        "/_sim/subscriptions",
        """
        {"productCode":"prod-ca","customerAWSAccountId":"%s","licenseArn":"%s"}"""
            .formatted(ACCOUNT, L2));

    assertThat(get("/_sim/subscriptions").body().path("subscriptions"))
        .extracting(s -> s.path("licenseArn").asText())
        .containsExactly(L1, L2);
    JsonNode product = get("/_sim/products").body().path("products").get(0);
    assertThat(product.path("productCode").asText()).isEqualTo("prod-ca");
    assertThat(product.path("concurrentAgreements").asBoolean()).isTrue();

    assertError(
        post(
            "/_sim/subscriptions",
            """
            {"productCode":"prod-ca","customerAWSAccountId":"%s"}"""
                .formatted(ACCOUNT)),
        "licenseArn");

    statuses(
        SignedJson.post(
            sim,
            SignedJson.METERING,
            request(null, record(ACCOUNT, L1, "requests", 4), record(ACCOUNT, L2, "requests", 6))));
    JsonNode ledger = get("/_sim/ledger?licenseArn=" + L2).body().path("records");
    assertThat(ledger).hasSize(1);
    assertThat(ledger.get(0).path("licenseArn").asText()).isEqualTo(L2);
    assertThat(ledger.get(0).path("productCode").asText()).isEqualTo("prod-ca");
    assertThat(ledger.get(0).path("customer").asText()).isEqualTo(ACCOUNT);
    assertThat(ledger.get(0).path("quantity").asLong()).isEqualTo(6);
    assertThat(get("/_sim/ledger?customer=" + ACCOUNT).body().path("records")).hasSize(2);
  }

  @Test
  void productsCanBeDeclaredConcurrentAgreementsAndBadLicensesAreRefused() {
    HttpSupport.Reply product =
        post(
            "/_sim/products",
            "{\"productCode\":\"prod-ca\",\"dimensions\":[\"cpu\"],\"concurrentAgreements\":true}");
    assertThat(product.body().path("concurrentAgreements").asBoolean()).isTrue();
    assertError(
        post(
            "/_sim/subscriptions",
            "{\"productCode\":\"prod-ca\",\"customerAWSAccountId\":\"" + ACCOUNT + "\"}"),
        "Concurrent Agreements");
    assertError(
        post(
            "/_sim/subscriptions",
            "{\"productCode\":\"prod-ca\",\"customerIdentifier\":\"c-1\",\"licenseArn\":\""
                + L1
                + "\"}"),
        "customerAWSAccountId");
    assertError(
        post(
            "/_sim/subscriptions",
            "{\"productCode\":\"prod-ca\",\"customerAWSAccountId\":\""
                + ACCOUNT
                + "\",\"licenseArn\":\"license-1\"}"),
        "licenseArn");
    assertError(
        post("/_sim/products", "{\"productCode\":\"p\",\"concurrentAgreements\":\"yes\"}"),
        "concurrentAgreements");
    assertError(
        post("/_sim/subscriptions", "{\"productCode\":\"p\",\"license\":\"x\"}"),
        "license: unknown field");

    post(
        "/_sim/subscriptions",
        "{\"productCode\":\"prod-legacy\",\"customerAWSAccountId\":\"" + ACCOUNT + "\"}");
    assertError(
        post("/_sim/products", "{\"productCode\":\"prod-legacy\",\"concurrentAgreements\":true}"),
        "legacy");
  }
}
