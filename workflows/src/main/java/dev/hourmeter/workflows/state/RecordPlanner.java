package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.EntitlementSnapshot;
import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.MeteringSubscription;
import dev.hourmeter.workflows.model.PricingModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a period's usage into BatchMeterUsage records: one per configured dimension (0 when idle),
 * stamped with the period start. Contracts bill only usage above the entitled quantity; anything
 * above the API's maximum quantity is returned as overflow to bill in the next period.
 */
public final class RecordPlanner {

  public static final long MAX_QUANTITY = Integer.MAX_VALUE;

  /** The records to send, and per dimension what did not fit into one record. */
  public record Plan(List<MeteringRecord> records, Map<String, Long> overflow) {}

  private RecordPlanner() {}

  public static Plan plan(
      MeteringSubscription subscription,
      Instant periodStart,
      Map<String, Long> usage,
      Map<String, Long> carriedOverflow,
      EntitlementSnapshot entitlements) {
    List<MeteringRecord> records = new ArrayList<>();
    Map<String, Long> overflow = new HashMap<>();
    for (String dimension : subscription.dimensions()) {
      long used = usage.getOrDefault(dimension, 0L);
      long billable =
          subscription.pricingModel() == PricingModel.CONTRACT
              ? Math.max(0, used - entitlements.entitledQuantity(dimension))
              : used;
      billable = UsageBook.saturatingAdd(billable, carriedOverflow.getOrDefault(dimension, 0L));
      long sent = Math.min(billable, MAX_QUANTITY);
      if (billable > sent) {
        overflow.put(dimension, billable - sent);
      }
      records.add(new MeteringRecord(subscription.customer(), dimension, periodStart, (int) sent));
    }
    return new Plan(records, overflow);
  }
}
