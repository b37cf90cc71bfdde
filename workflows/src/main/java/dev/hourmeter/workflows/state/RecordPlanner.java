package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.Quantities;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a period's usage into BatchMeterUsage records: one per configured dimension (0 when idle),
 * stamped with the period start. Contracts bill only usage above the entitled quantity. Whole usage
 * goes out as {@code Quantity} (at most 2,147,483,647), usage with a fraction as {@code
 * QuantityAsDecimal} (at most 9,999,999,999.999999); anything above a record's maximum is returned
 * as overflow to bill in the next period. The arithmetic is exact. With tagged usage, a record
 * carries {@code UsageAllocations} split by {@link AllocationPlanner}, and the overflow keeps its
 * tagged parts.
 */
public final class RecordPlanner {

  public static final long MAX_QUANTITY = MeteringRecord.MAX_QUANTITY;

  /**
   * The records to send, per dimension what did not fit into one record (and its tagged parts), and
   * how many tag sets were folded into untagged allocations.
   */
  public record Plan(
      List<MeteringRecord> records,
      Map<String, BigDecimal> overflow,
      Map<String, List<UsageAllocation>> overflowParts,
      int foldedTagSets) {

    public Plan(List<MeteringRecord> records, Map<String, BigDecimal> overflow) {
      this(records, overflow, Map.of(), 0);
    }
  }

  /** A period's tagged usage and the tagged parts of the overflow, per dimension. */
  public record Tagged(
      Map<String, List<UsageAllocation>> usage, Map<String, List<UsageAllocation>> overflow) {

    public static final Tagged NONE = new Tagged(Map.of(), Map.of());
  }

  private RecordPlanner() {}

  public static Plan plan(
      MeteringSubscription subscription,
      Instant periodStart,
      Map<String, BigDecimal> usage,
      Map<String, BigDecimal> carriedOverflow,
      EntitlementSnapshot entitlements) {
    return plan(
        subscription,
        subscription.customer(),
        periodStart,
        usage,
        carriedOverflow,
        entitlements,
        Tagged.NONE);
  }

  /**
   * As above, the records carrying {@code customer} (a migrated customer's identity) and split into
   * allocations by {@code tagged}.
   */
  public static Plan plan(
      MeteringSubscription subscription,
      CustomerId customer,
      Instant periodStart,
      Map<String, BigDecimal> usage,
      Map<String, BigDecimal> carriedOverflow,
      EntitlementSnapshot entitlements,
      Tagged tagged) {
    List<MeteringRecord> records = new ArrayList<>();
    Map<String, BigDecimal> overflow = new HashMap<>();
    Map<String, List<UsageAllocation>> overflowParts = new HashMap<>();
    int folded = 0;
    for (String dimension : subscription.dimensions()) {
      BigDecimal used = usage.getOrDefault(dimension, BigDecimal.ZERO);
      List<UsageAllocation> parts =
          AllocationPlanner.parts(used, tagged.usage().getOrDefault(dimension, List.of()));
      BigDecimal billable = used;
      if (subscription.pricingModel() == PricingModel.CONTRACT) {
        BigDecimal entitled = BigDecimal.valueOf(entitlements.entitledQuantity(dimension));
        billable = used.subtract(entitled).max(BigDecimal.ZERO);
        parts = AllocationPlanner.split(parts, entitled).rest();
      }
      BigDecimal carried = carriedOverflow.getOrDefault(dimension, BigDecimal.ZERO);
      billable = Quantities.add(billable, carried);
      parts =
          AllocationPlanner.merge(
              parts,
              AllocationPlanner.parts(
                  carried, tagged.overflow().getOrDefault(dimension, List.of())));
      BigDecimal max =
          Quantities.fractional(billable)
              ? MeteringRecord.MAX_DECIMAL_QUANTITY
              : BigDecimal.valueOf(MAX_QUANTITY);
      BigDecimal sent = billable.min(max);
      AllocationPlanner.Split split = AllocationPlanner.split(parts, sent);
      if (billable.compareTo(sent) > 0) {
        overflow.put(dimension, Quantities.add(billable, sent.negate()));
        overflowParts.put(dimension, split.rest());
      }
      AllocationPlanner.Allocations allocations = AllocationPlanner.forRecord(split.first());
      folded += allocations.foldedTagSets();
      records.add(
          MeteringRecord.of(customer, dimension, periodStart, sent)
              .withAllocations(allocations.allocations(), allocations.foldedTagSets()));
    }
    return new Plan(records, overflow, overflowParts, folded);
  }
}
