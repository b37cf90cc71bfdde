package dev.hourmeter.activities;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.AwsSettings;
import dev.hourmeter.activities.aws.EntitlementItem;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.testing.CapturingServer;
import dev.hourmeter.workflows.model.activity.EntitlementRequest;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GetEntitlements by account, read off the wire (the served SDK model has no
 * Entitlement.LicenseArn): where AWS names a license, only the customer's own license counts.
 */
class EntitlementsPerLicenseTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:30:00Z");
  private static final String MINE = "arn:aws:license-manager::123456789012:license/l-mine";
  private static final String OTHER = "arn:aws:license-manager::123456789012:license/l-other";
  private static final CustomerId CUSTOMER = new CustomerId(null, "111122223333", MINE);

  private CapturingServer server;
  private MarketplaceGateway gateway;

  @BeforeEach
  void start() throws Exception {
    server = new CapturingServer();
    gateway =
        new MarketplaceGateway(
            AwsSettings.forSimulator(server.endpoint()), new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    gateway.close();
    server.close();
  }

  @Test
  void onlyTheCustomersLicenseCounts() {
    server.answer(
        200,
        "{\"Entitlements\":["
            + entitlement("seats", 10, MINE)
            + ","
            + entitlement("seats", 500, OTHER)
            + ","
            + entitlement("storage", 7, null)
            + "]}");

    List<EntitlementItem> items = gateway.entitlements().getEntitlements("prod-1", CUSTOMER);

    assertThat(items)
        .extracting(EntitlementItem::dimension, EntitlementItem::licenseArn)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("seats", MINE),
            org.assertj.core.groups.Tuple.tuple("seats", OTHER),
            org.assertj.core.groups.Tuple.tuple("storage", null));
    assertThat(server.captured().get(0).bodyText())
        .contains("\"CUSTOMER_AWS_ACCOUNT_ID\":[\"111122223333\"]");

    EntitlementSnapshot snapshot =
        EntitlementActivitiesImpl.snapshot(
            new EntitlementRequest("prod-1", CUSTOMER, List.of()), items, NOW);
    assertThat(snapshot.entitled()).isTrue();
    assertThat(snapshot.entitledQuantities()).isEqualTo(Map.of("seats", 10L, "storage", 7L));

    EntitlementSnapshot unlicensed =
        EntitlementActivitiesImpl.snapshot(
            new EntitlementRequest("prod-1", CustomerId.awsAccount("111122223333"), List.of()),
            items,
            NOW);
    assertThat(unlicensed.entitledQuantities()).containsEntry("seats", 500L);
  }

  @Test
  void anotherLicensesEntitlementsAloneDoNotEntitle() {
    server.answer(200, "{\"Entitlements\":[" + entitlement("seats", 500, OTHER) + "]}");

    List<EntitlementItem> items = gateway.entitlements().getEntitlements("prod-1", CUSTOMER);
    EntitlementSnapshot snapshot =
        EntitlementActivitiesImpl.snapshot(
            new EntitlementRequest("prod-1", CUSTOMER, List.of()), items, NOW);

    assertThat(snapshot.entitled()).isFalse();
  }

  private static String entitlement(String dimension, int value, String license) {
    return "{\"ProductCode\":\"prod-1\",\"Dimension\":\""
        + dimension
        + "\",\"CustomerAWSAccountId\":\"111122223333\",\"Value\":{\"IntegerValue\":"
        + value
        + "}"
        + (license == null ? "" : ",\"LicenseArn\":\"" + license + "\"")
        + "}";
  }
}
