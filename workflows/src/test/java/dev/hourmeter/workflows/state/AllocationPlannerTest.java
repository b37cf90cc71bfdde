package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocationPlannerTest {

  private static final Instant H10 = Instant.parse("2026-11-26T10:00:00Z");
  private static final CustomerId CUSTOMER = CustomerId.parse("cust-1");
  private static final EntitlementSnapshot ENTITLED =
      new EntitlementSnapshot(true, "", Map.of("requests", 100L), null, H10);
  private static final Map<String, String> TEAM_A = Map.of("team", "a");
  private static final Map<String, String> TEAM_B = Map.of("team", "b");

  @Test
  void aRecordWithTaggedUsageCarriesOneAllocationPerTagSetPlusTheUntagged() {
    RecordPlanner.Plan plan =
        plan(
            PricingModel.SUBSCRIPTION,
            Map.of("requests", q(10)),
            Map.of("requests", List.of(alloc(3, TEAM_B), alloc(4, TEAM_A))));

    MeteringRecord requests = plan.records().get(0);
    assertThat(requests.quantity()).isEqualTo(10);
    assertThat(requests.usageAllocations())
        .containsExactly(alloc(3, Map.of()), alloc(4, TEAM_A), alloc(3, TEAM_B));
    assertThat(plan.records().get(1).usageAllocations()).isEmpty(); // storage: plain, as before
  }

  @Test
  void aContractsEntitlementIsUsedUpByTheUntaggedPartThenTagSetsInOrder() {
    // 130 used, 100 entitled: untagged 20 and team=a 50 are covered, then 30 of team=b's 60.
    RecordPlanner.Plan plan =
        plan(
            PricingModel.CONTRACT,
            Map.of("requests", q(130)),
            Map.of("requests", List.of(alloc(50, TEAM_A), alloc(60, TEAM_B))));

    MeteringRecord requests = plan.records().get(0);
    assertThat(requests.quantity()).isEqualTo(30);
    assertThat(requests.usageAllocations()).containsExactly(alloc(30, TEAM_B));
  }

  @Test
  void aContractOverageSplitAcrossTagSetsSumsExactly() {
    RecordPlanner.Plan plan =
        plan(
            PricingModel.CONTRACT,
            Map.of("requests", new BigDecimal("130.5")),
            Map.of("requests", List.of(alloc(90, TEAM_A), alloc(40.5, TEAM_B))));

    MeteringRecord requests = plan.records().get(0);
    assertThat(requests.exactQuantity()).isEqualByComparingTo("30.5");
    assertThat(requests.usageAllocations()).containsExactly(alloc(30.5, TEAM_B));
    assertThat(requests.quantityAsDecimal()).isEqualTo("30.5");
  }

  @Test
  void aQuantityAboveTheMaximumLeavesTheLastPartsAsTaggedOverflow() {
    long huge = Integer.MAX_VALUE + 10L;
    RecordPlanner.Plan plan =
        plan(
            PricingModel.SUBSCRIPTION,
            Map.of("requests", q(huge)),
            Map.of("requests", List.of(alloc(20, TEAM_A))));

    MeteringRecord requests = plan.records().get(0);
    assertThat(requests.quantity()).isEqualTo(Integer.MAX_VALUE);
    assertThat(sum(requests.usageAllocations())).isEqualByComparingTo(q(Integer.MAX_VALUE));
    assertThat(plan.overflow()).isEqualTo(Map.of("requests", q(10)));
    assertThat(plan.overflowParts()).isEqualTo(Map.of("requests", List.of(alloc(10, TEAM_A))));
  }

  @Test
  void moreTagSetsThanAwsAllowsFoldTheSmallestIntoTheUntaggedAllocation() {
    List<UsageAllocation> tagged = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < 3000; i++) {
      tagged.add(alloc(i + 1, Map.of("set", String.format("s%04d", i))));
      total += i + 1;
    }
    RecordPlanner.Plan plan =
        plan(PricingModel.SUBSCRIPTION, Map.of("requests", q(total)), Map.of("requests", tagged));

    MeteringRecord requests = plan.records().get(0);
    assertThat(requests.usageAllocations()).hasSize(AllocationPlanner.MAX_ALLOCATIONS);
    assertThat(sum(requests.usageAllocations())).isEqualByComparingTo(q(total));
    // The 501 smallest sets (quantities 1..501) are folded: 501 * 502 / 2 untagged.
    assertThat(requests.usageAllocations().get(0)).isEqualTo(alloc(501 * 502 / 2, Map.of()));
    assertThat(requests.usageAllocations().get(1).tags()).isEqualTo(Map.of("set", "s0501"));
    assertThat(plan.foldedTagSets()).isEqualTo(501);
    assertThat(requests.foldedTagSets()).isEqualTo(501);
  }

  @Test
  void taggedUsageOfZeroMakesAPlainRecord() {
    RecordPlanner.Plan plan =
        plan(
            PricingModel.SUBSCRIPTION,
            Map.of("requests", q(5)),
            Map.of("requests", List.of(alloc(0, TEAM_A))));

    assertThat(plan.records().get(0).usageAllocations()).isEmpty();
  }

  private static RecordPlanner.Plan plan(
      PricingModel pricing,
      Map<String, BigDecimal> usage,
      Map<String, List<UsageAllocation>> tagged) {
    MeteringSubscription subscription =
        MeteringSubscription.of(
            "prod-1", CUSTOMER, List.of("requests", "storage"), pricing, Duration.ofHours(1));
    return RecordPlanner.plan(
        subscription,
        subscription.customer(),
        H10,
        usage,
        Map.of(),
        ENTITLED,
        new RecordPlanner.Tagged(tagged, Map.of()));
  }

  private static UsageAllocation alloc(double quantity, Map<String, String> tags) {
    return new UsageAllocation(BigDecimal.valueOf(quantity), tags);
  }

  private static BigDecimal sum(List<UsageAllocation> allocations) {
    return allocations.stream()
        .map(UsageAllocation::quantity)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static BigDecimal q(long value) {
    return BigDecimal.valueOf(value);
  }
}
