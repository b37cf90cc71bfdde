package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplaceentitlement.model.Entitlement;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementFilterName;
import software.amazon.awssdk.services.marketplacemetering.model.ThrottlingException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

/** The /_sim control endpoints over plain HTTP, as other modules' tests and demos use them. */
class ControlApiHttpTest extends SimulatorTestBase {

  private HttpSupport.Reply post(String path, String body) {
    return HttpSupport.send(sim, "POST", path, body);
  }

  private HttpSupport.Reply get(String path) {
    return HttpSupport.send(sim, "GET", path, null);
  }

  @Test
  void health() {
    HttpSupport.Reply reply = get("/_sim/health");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().path("status").asText()).isEqualTo("ok");
  }

  @Test
  void subscriptionsDriveMeteringAndEntitlements() {
    HttpSupport.Reply reply =
        post(
            "/_sim/subscriptions",
            """
                {"productCode":"%s","customerAWSAccountId":"%s","dimensions":["requests","storage"],
                 "entitlements":[{"dimension":"requests","integerValue":10,"expirationDate":"2026-12-01T00:00:00Z"}]}
                """
                .formatted(PRODUCT, ACCOUNT));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().path("subscribed").asBoolean()).isTrue();

    assertThat(meter(accountRecord(ACCOUNT, "storage", HOUR, 4)).results().get(0).status())
        .isEqualTo(UsageRecordResultStatus.SUCCESS);
    List<Entitlement> entitlements =
        entitlement
            .getEntitlements(
                b ->
                    b.productCode(PRODUCT)
                        .filter(
                            Map.of(
                                GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID,
                                List.of(ACCOUNT))))
            .entitlements();
    assertThat(entitlements)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.value().integerValue()).isEqualTo(10);
              assertThat(e.expirationDate())
                  .isEqualTo(java.time.Instant.parse("2026-12-01T00:00:00Z"));
            });

    post(
        "/_sim/subscriptions",
        """
                {"productCode":"%s","customerAWSAccountId":"%s","subscribed":false}"""
            .formatted(PRODUCT, ACCOUNT));
    assertThat(
            meter(accountRecord(ACCOUNT, "storage", HOUR.minusSeconds(3600), 4))
                .results()
                .get(0)
                .status())
        .isEqualTo(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(entitlement.getEntitlements(b -> b.productCode(PRODUCT)).entitlements()).isEmpty();
    assertThat(get("/_sim/subscriptions").body().path("subscriptions")).hasSize(1);
  }

  @Test
  void productsRegisterDimensionsWithoutCustomers() {
    assertThat(post("/_sim/products", "{\"productCode\":\"p2\",\"dimensions\":[\"a\"]}").status())
        .isEqualTo(200);
    post("/_sim/products", "{\"productCode\":\"p2\",\"dimensions\":[\"b\"]}");
    JsonNode products = get("/_sim/products").body().path("products");
    assertThat(products).hasSize(1);
    assertThat(products.get(0).path("dimensions").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(meter("p2", accountRecord(ACCOUNT, "b", HOUR, 1)).results().get(0).status())
        .as("known product and dimension, customer not subscribed")
        .isEqualTo(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
  }

  @Test
  void ledgerListsBilledRecordsWithQueryFilters() {
    subscribeAccount(ACCOUNT, "requests");
    sim.subscribe(SubscriptionSpec.of("p2", CustomerId.identifier("cust-x"), "requests"));
    String id =
        meter(accountRecord(ACCOUNT, "requests", HOUR, 6)).results().get(0).meteringRecordId();
    meter("p2", identifierRecord("cust-x", "requests", HOUR, 1));

    JsonNode all = get("/_sim/ledger").body().path("records");
    assertThat(all).hasSize(2);
    JsonNode first = all.get(0);
    assertThat(first.path("productCode").asText()).isEqualTo(PRODUCT);
    assertThat(first.path("customer").asText()).isEqualTo(ACCOUNT);
    assertThat(first.path("customerIdType").asText()).isEqualTo("CustomerAWSAccountId");
    assertThat(first.path("dimension").asText()).isEqualTo("requests");
    assertThat(first.path("timestamp").asText()).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(first.path("quantity").asLong()).isEqualTo(6);
    assertThat(first.path("meteringRecordId").asText()).isEqualTo(id);
    assertThat(all.get(1).path("customerIdType").asText()).isEqualTo("CustomerIdentifier");

    assertThat(get("/_sim/ledger?customer=cust-x").body().path("records"))
        .singleElement()
        .satisfies(n -> assertThat(n.path("productCode").asText()).isEqualTo("p2"));
    assertThat(
            get("/_sim/ledger?productCode=" + PRODUCT + "&customer=cust-x").body().path("records"))
        .isEmpty();
  }

  @Test
  void faultsRoundTrip() {
    subscribeAccount(ACCOUNT, "requests");
    HttpSupport.Reply set =
        post(
            "/_sim/faults",
            """
                {"throttleNext":1,"latencyMillis":0,"seed":7,"operations":["BatchMeterUsage","GetEntitlements"]}""");
    assertThat(set.status()).isEqualTo(200);
    assertThat(get("/_sim/faults").body().path("throttleNext").asInt()).isEqualTo(1);

    try {
      meter(accountRecord(ACCOUNT, "requests", HOUR, 1));
      throw new AssertionError("expected throttling");
    } catch (ThrottlingException expected) {
      // the configured fault
    }
    JsonNode after = get("/_sim/faults").body();
    assertThat(after.path("throttleNext").asInt()).isZero();
    assertThat(after.path("seed").asLong()).isEqualTo(7);
    assertThat(after.path("operations").toString())
        .isEqualTo("[\"BatchMeterUsage\",\"GetEntitlements\"]");

    post("/_sim/faults", "{\"throttleRate\":1.0}");
    assertThat(HttpSupport.send(sim, "DELETE", "/_sim/faults", null).status()).isEqualTo(200);
    assertThat(get("/_sim/faults").body().path("throttleRate").asDouble()).isZero();
    assertThat(meter(accountRecord(ACCOUNT, "requests", HOUR, 1)).results()).hasSize(1);
  }

  @Test
  void requestLogCanBeCleared() {
    entitlement.getEntitlements(b -> b.productCode(PRODUCT));
    assertThat(get("/_sim/requests").body().path("requests")).hasSize(1);
    assertThat(HttpSupport.send(sim, "DELETE", "/_sim/requests", null).status()).isEqualTo(200);
    assertThat(get("/_sim/requests").body().path("requests")).isEmpty();
  }

  @Test
  void resetForgetsEverything() {
    subscribeAccount(ACCOUNT, "requests");
    meter(accountRecord(ACCOUNT, "requests", HOUR, 1));
    sim.setFaults(FaultSpec.builder().throttleRate(0.5).build());
    clock.advance(Duration.ofMinutes(10));
    assertThat(get("/_sim/events").body().path("events")).hasSize(1);

    assertThat(post("/_sim/reset", null).status()).isEqualTo(200);

    assertThat(sim.ledger()).isEmpty();
    assertThat(sim.subscriptions()).isEmpty();
    assertThat(sim.products()).isEmpty();
    assertThat(sim.faults()).isEqualTo(FaultSpec.none());
    assertThat(sim.requestLog()).isEmpty();
    assertThat(sim.cloudTrailEvents()).isEmpty();
    assertThat(cloudTrail.lookupEvents(b -> b.maxResults(5)).events()).isEmpty();
  }

  @Test
  void errorsNameTheOffendingField() {
    assertError(
        post("/_sim/subscriptions", "{\"customerAWSAccountId\":\"111122223333\"}"), "productCode");
    assertError(
        post("/_sim/subscriptions", "{\"productCode\":\"p\",\"customerAWSAccountId\":\"1234\"}"),
        "customerAWSAccountId");
    assertError(post("/_sim/subscriptions", "{\"productCode\":\"p\"}"), "customerIdentifier");
    assertError(
        post(
            "/_sim/subscriptions",
            """
                {"productCode":"p","customerIdentifier":"c","entitlements":[{"dimension":"d","integerValue":1,"booleanValue":true}]}"""),
        "entitlements[0]");
    assertError(
        post(
            "/_sim/subscriptions",
            """
                {"productCode":"p","customerIdentifier":"c","entitlements":[{"dimension":"d","integerValue":1,"expirationDate":"soon"}]}"""),
        "entitlements[0].expirationDate");
    assertError(
        post(
            "/_sim/subscriptions",
            "{\"productCode\":\"p\",\"customerIdentifier\":\"c\",\"dimensions\":\"d\"}"),
        "dimensions");
    assertError(
        post("/_sim/subscriptions", "{\"productCode\":\"p\",\"customerId\":\"c\"}"), "customerId");
    assertError(post("/_sim/faults", "{\"throttleRate\":2}"), "throttleRate");
    assertError(post("/_sim/faults", "{\"unprocessedNext\":-1}"), "unprocessedNext");
    assertError(post("/_sim/faults", "{\"operations\":[\"MeterUsage\"]}"), "operations");
    assertError(post("/_sim/products", "{\"productCode\":\"bad code!\"}"), "productCode");
    assertError(post("/_sim/faults", "{oops"), "body");

    HttpSupport.Reply unknown = get("/_sim/nothing");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().path("error").asText()).contains("/_sim/nothing");
    assertThat(sim.subscriptions()).isEmpty();
    assertThat(sim.faults()).isEqualTo(FaultSpec.none());
  }

  private static void assertError(HttpSupport.Reply reply, String field) {
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(400);
    assertThat(reply.body().path("error").asText()).contains(field);
  }
}
