package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.CustomerId;
import dev.hourmeter.workflows.model.EntitlementSnapshot;
import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.MeteringSubscription;
import dev.hourmeter.workflows.model.PricingModel;
import dev.hourmeter.workflows.model.Quantities;
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
 * as overflow to bill in the next period. The arithmetic is exact.
 */
public final class RecordPlanner {

  public static final long MAX_QUANTITY = MeteringRecord.MAX_QUANTITY;

  /** The records to send, and per dimension what did not fit into one record. */
  public record Plan(List<MeteringRecord> records, Map<String, BigDecimal> overflow) {}

  private RecordPlanner() {}

  public static Plan plan(
      MeteringSubscription subscription,
      Instant periodStart,
      Map<String, BigDecimal> usage,
      Map<String, BigDecimal> carriedOverflow,
      EntitlementSnapshot entitlements) {
    return plan(
        subscription, subscription.customer(), periodStart, usage, carriedOverflow, entitlements);
  }

  /** As above, the records carrying {@code customer} (a migrated customer's identity). */
  public static Plan plan(
      MeteringSubscription subscription,
      CustomerId customer,
      Instant periodStart,
      Map<String, BigDecimal> usage,
      Map<String, BigDecimal> carriedOverflow,
      EntitlementSnapshot entitlements) {
    List<MeteringRecord> records = new ArrayList<>();
    Map<String, BigDecimal> overflow = new HashMap<>();
    for (String dimension : subscription.dimensions()) {
      BigDecimal used = usage.getOrDefault(dimension, BigDecimal.ZERO);
      BigDecimal billable =
          subscription.pricingModel() == PricingModel.CONTRACT
              ? used.subtract(BigDecimal.valueOf(entitlements.entitledQuantity(dimension)))
                  .max(BigDecimal.ZERO)
              : used;
      billable = Quantities.add(billable, carriedOverflow.getOrDefault(dimension, BigDecimal.ZERO));
      BigDecimal max =
          Quantities.fractional(billable)
              ? MeteringRecord.MAX_DECIMAL_QUANTITY
              : BigDecimal.valueOf(MAX_QUANTITY);
      BigDecimal sent = billable.min(max);
      if (billable.compareTo(sent) > 0) {
        overflow.put(dimension, Quantities.add(billable, sent.negate()));
      }
      records.add(MeteringRecord.of(customer, dimension, periodStart, sent));
    }
    return new Plan(records, overflow);
  }
}
