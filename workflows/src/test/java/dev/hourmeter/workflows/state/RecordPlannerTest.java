package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordPlannerTest {

  private static final Instant H10 = Instant.parse("2026-11-26T10:00:00Z");
  private static final CustomerId CUSTOMER = CustomerId.parse("cust-1");
  private static final EntitlementSnapshot ENTITLED =
      new EntitlementSnapshot(true, "", Map.of("requests", 100L), null, H10);

  @Test
  void oneRecordPerDimensionWithZeroForIdleOnes() {
    MeteringSubscription subscription = subscription(PricingModel.SUBSCRIPTION);
    RecordPlanner.Plan plan =
        RecordPlanner.plan(subscription, H10, Map.of("requests", q(7)), Map.of(), ENTITLED);

    assertThat(plan.records())
        .containsExactly(
            new MeteringRecord(CUSTOMER, "requests", H10, 7),
            new MeteringRecord(CUSTOMER, "storage", H10, 0));
    assertThat(plan.overflow()).isEmpty();
  }

  @Test
  void contractsBillOnlyUsageAboveTheEntitlement() {
    MeteringSubscription subscription = subscription(PricingModel.CONTRACT);
    RecordPlanner.Plan plan =
        RecordPlanner.plan(
            subscription, H10, Map.of("requests", q(130), "storage", q(4)), Map.of(), ENTITLED);

    assertThat(plan.records()).extracting(MeteringRecord::quantity).containsExactly(30, 4);
  }

  @Test
  void quantitiesAboveTheApiMaximumOverflowToTheNextPeriod() {
    MeteringSubscription subscription = subscription(PricingModel.SUBSCRIPTION);
    long huge = Integer.MAX_VALUE + 10L;
    RecordPlanner.Plan plan =
        RecordPlanner.plan(
            subscription, H10, Map.of("requests", q(huge)), Map.of("storage", q(5)), ENTITLED);

    assertThat(plan.records())
        .extracting(MeteringRecord::quantity)
        .containsExactly(Integer.MAX_VALUE, 5);
    assertThat(plan.overflow()).isEqualTo(Map.of("requests", q(10)));
  }

  @Test
  void fractionalUsageGoesOutAsQuantityAsDecimalWholeUsageAsQuantity() {
    MeteringSubscription subscription = subscription(PricingModel.SUBSCRIPTION);
    RecordPlanner.Plan plan =
        RecordPlanner.plan(
            subscription,
            H10,
            Map.of("requests", new BigDecimal("20.67"), "storage", new BigDecimal("4.0")),
            Map.of(),
            ENTITLED);

    assertThat(plan.records())
        .containsExactly(
            new MeteringRecord(CUSTOMER, "requests", H10, 20, "20.67"),
            new MeteringRecord(CUSTOMER, "storage", H10, 4));
    assertThat(plan.overflow()).isEmpty();
  }

  @Test
  void contractsSubtractTheEntitlementExactly() {
    MeteringSubscription subscription = subscription(PricingModel.CONTRACT);
    RecordPlanner.Plan plan =
        RecordPlanner.plan(
            subscription,
            H10,
            Map.of("requests", new BigDecimal("100.5"), "storage", new BigDecimal("0.75")),
            Map.of(),
            ENTITLED);

    assertThat(plan.records())
        .extracting(MeteringRecord::quantityAsDecimal)
        .containsExactly("0.5", "0.75");
  }

  @Test
  void fractionalUsageAboveTheDecimalMaximumOverflowsAtTheFieldsLimit() {
    MeteringSubscription subscription = subscription(PricingModel.SUBSCRIPTION);
    RecordPlanner.Plan plan =
        RecordPlanner.plan(
            subscription,
            H10,
            Map.of("requests", new BigDecimal("10000000000.5")),
            Map.of("storage", new BigDecimal("3000000000.25")),
            ENTITLED);

    assertThat(plan.records())
        .extracting(MeteringRecord::quantityAsDecimal)
        .containsExactly("9999999999.999999", "3000000000.25");
    assertThat(plan.records()).extracting(MeteringRecord::quantity).containsOnly(Integer.MAX_VALUE);
    assertThat(plan.overflow()).isEqualTo(Map.of("requests", new BigDecimal("0.500001")));
  }

  @Test
  void aDecimalOverflowCarriedIntoWholeUsageMakesADecimalRecord() {
    MeteringSubscription subscription = subscription(PricingModel.SUBSCRIPTION);
    RecordPlanner.Plan plan =
        RecordPlanner.plan(
            subscription,
            H10,
            Map.of("requests", q(2)),
            Map.of("requests", new BigDecimal("0.500001")),
            ENTITLED);

    assertThat(plan.records().get(0).exactQuantity()).isEqualByComparingTo("2.500001");
  }

  private static BigDecimal q(long value) {
    return BigDecimal.valueOf(value);
  }

  private static MeteringSubscription subscription(PricingModel pricing) {
    return MeteringSubscription.of(
        "prod-1", CUSTOMER, List.of("requests", "storage"), pricing, Duration.ofHours(1));
  }
}
