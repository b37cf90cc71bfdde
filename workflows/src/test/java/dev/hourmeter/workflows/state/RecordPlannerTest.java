package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.EntitlementSnapshot;
import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.MeteringSubscription;
import dev.hourmeter.workflows.model.PricingModel;
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
        RecordPlanner.plan(subscription, H10, Map.of("requests", 7L), Map.of(), ENTITLED);

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
            subscription, H10, Map.of("requests", 130L, "storage", 4L), Map.of(), ENTITLED);

    assertThat(plan.records()).extracting(MeteringRecord::quantity).containsExactly(30, 4);
  }

  @Test
  void quantitiesAboveTheApiMaximumOverflowToTheNextPeriod() {
    MeteringSubscription subscription = subscription(PricingModel.SUBSCRIPTION);
    long huge = Integer.MAX_VALUE + 10L;
    RecordPlanner.Plan plan =
        RecordPlanner.plan(
            subscription, H10, Map.of("requests", huge), Map.of("storage", 5L), ENTITLED);

    assertThat(plan.records())
        .extracting(MeteringRecord::quantity)
        .containsExactly(Integer.MAX_VALUE, 5);
    assertThat(plan.overflow()).isEqualTo(Map.of("requests", 10L));
  }

  private static MeteringSubscription subscription(PricingModel pricing) {
    return MeteringSubscription.of(
        "prod-1", CUSTOMER, List.of("requests", "storage"), pricing, Duration.ofHours(1));
  }
}
