package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplaceentitlement.model.Entitlement;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementFilterName;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

class AutoSubscribeTest extends SimulatorTestBase {

  @Override
  protected MarketplaceSimulator.Builder configure(MarketplaceSimulator.Builder builder) {
    return super.configure(builder).autoSubscribe(true);
  }

  @Test
  void anyCustomerMetersAnyDimensionOfAnyProduct() {
    assertThat(
            meter(
                    "prod-new",
                    accountRecord(ACCOUNT, "cpu", HOUR, 4),
                    identifierRecord("c-1", "ram", HOUR, 2))
                .results())
        .extracting(UsageRecordResult::status)
        .containsOnly(UsageRecordResultStatus.SUCCESS);
    assertThat(sim.ledger()).hasSize(2);
    assertThat(sim.products())
        .singleElement()
        .satisfies(p -> assertThat(p.dimensions()).containsExactly("cpu", "ram"));
  }

  @Test
  void anyCustomerIsEntitledToEveryKnownDimension() {
    meter(
        "prod-new", accountRecord(ACCOUNT, "cpu", HOUR, 4), accountRecord(ACCOUNT, "ram", HOUR, 2));

    List<Entitlement> stranger =
        entitlement
            .getEntitlements(
                b ->
                    b.productCode("prod-new")
                        .filter(
                            java.util.Map.of(
                                GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID,
                                List.of("999988887777"))))
            .entitlements();
    assertThat(stranger).extracting(Entitlement::dimension).containsExactly("cpu", "ram");
    assertThat(stranger)
        .allSatisfy(
            e -> {
              assertThat(e.customerAWSAccountId()).isEqualTo("999988887777");
              assertThat(e.value().booleanValue()).isTrue();
            });

    List<Entitlement> unknownProduct =
        entitlement
            .getEntitlements(
                b ->
                    b.productCode("prod-none")
                        .filter(
                            java.util.Map.of(
                                GetEntitlementFilterName.CUSTOMER_IDENTIFIER, List.of("c-9"))))
            .entitlements();
    assertThat(unknownProduct)
        .as("at least one entitlement")
        .singleElement()
        .satisfies(e -> assertThat(e.value().booleanValue()).isTrue());
  }

  @Test
  void explicitUnsubscriptionStillWins() {
    sim.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.awsAccount(ACCOUNT), "cpu").withSubscribed(false));
    assertThat(meter(accountRecord(ACCOUNT, "cpu", HOUR, 1)).results().get(0).status())
        .isEqualTo(UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(sim.ledger()).isEmpty();
  }
}
