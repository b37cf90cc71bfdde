package dev.hourmeter.devtools.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one benchmark run, for one measured period in which every customer was already
 * running.
 *
 * @param licensed the customers were licenses (Concurrent Agreements, two per AWS account)
 * @param records records of the measured period accepted within three periods of its end
 *     (expectedRecords when the run kept up)
 * @param entitlementMaxAgeSeconds how long the customers reuse an entitlement check (0: every
 *     period)
 * @param callsToMinimum calls / ceil(records / 25): 1.0 when every call but the last carried 25
 *     records
 * @param entitlementCalls GetEntitlements calls during the cycle (none in a period that reuses the
 *     last check)
 * @param lingerSeconds the batcher's longest wait for a batch to fill ({@code --linger})
 * @param meteringTps the BatchMeterUsage calls per second the worker paced ({@code --metering-tps})
 * @param quotaBoundSeconds the physical bound: calls / {@code meteringTps} (AWS's BatchMeterUsage
 *     quota is 10 per second)
 * @param makespanSeconds first to last BatchMeterUsage call of the measured period (as the
 *     simulator saw them)
 * @param cycleSeconds period end to the last accepted record of the period
 * @param actionsPerCustomerPeriod Temporal actions of one steady-state period, from sampled real
 *     histories
 * @param peakActionsPerSecond the most Temporal actions of all customers in one second of the
 *     measured period (what a Temporal Cloud namespace's actions-per-second limit meets), from
 *     every customer's history
 * @param closeSpreadSeconds the customers' close spread: each closes at its offset in it after the
 *     period's end plus grace
 * @param processCpuSeconds CPU of the benchmark process during the measured cycle (worker,
 *     simulator, driver; and the Temporal server when it runs in-process)
 * @param heapPerThousandCustomersMb heap in use after GC with every customer's workflow cached, per
 *     1,000
 * @param tagSets tag sets in every customer's usage of every dimension and period (0: untagged)
 * @param meanRequestBytes mean body size of the measured period's accepted BatchMeterUsage calls
 * @param maxRequestBytes the largest of them (AWS's limit: below 1,000,000)
 * @param allocations UsageAllocations in the measured period's accepted records
 */
public record BenchReport(
    String server,
    boolean batching,
    double lingerSeconds,
    double meteringTps,
    int customers,
    int dimensions,
    boolean licensed,
    long periodSeconds,
    long entitlementMaxAgeSeconds,
    double startSeconds,
    long expectedRecords,
    long records,
    long calls,
    long throttledCalls,
    double recordsPerCall,
    double callsToMinimum,
    long entitlementCalls,
    double quotaBoundSeconds,
    double makespanSeconds,
    double makespanToQuotaBound,
    double cycleSeconds,
    double actionsPerCustomerPeriod,
    long peakActionsPerSecond,
    double closeSpreadSeconds,
    double historyEventsPerCustomerPeriod,
    double historyEventsPerCustomerDay,
    double processCpuSeconds,
    double peakHeapMb,
    double heapPerThousandCustomersMb,
    int tagSets,
    double meanRequestBytes,
    int maxRequestBytes,
    long allocations) {

  /** Name and value of every figure, in order, for the table and the JSON object. */
  public Map<String, Object> figures() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("server", server);
    figures.put("batching", batching);
    figures.put("lingerSeconds", round(lingerSeconds));
    figures.put("meteringTps", round(meteringTps));
    figures.put("customers", customers);
    figures.put("dimensions", dimensions);
    figures.put("licensed", licensed);
    figures.put("periodSeconds", periodSeconds);
    figures.put("entitlementMaxAgeSeconds", entitlementMaxAgeSeconds);
    figures.put("startSeconds", round(startSeconds));
    figures.put("expectedRecords", expectedRecords);
    figures.put("records", records);
    figures.put("calls", calls);
    figures.put("throttledCalls", throttledCalls);
    figures.put("recordsPerCall", round(recordsPerCall));
    figures.put("callsToMinimum", round(callsToMinimum));
    figures.put("entitlementCalls", entitlementCalls);
    figures.put("quotaBoundSeconds", round(quotaBoundSeconds));
    figures.put("makespanSeconds", round(makespanSeconds));
    figures.put("makespanToQuotaBound", round(makespanToQuotaBound));
    figures.put("cycleSeconds", round(cycleSeconds));
    figures.put("actionsPerCustomerPeriod", round(actionsPerCustomerPeriod));
    figures.put("peakActionsPerSecond", peakActionsPerSecond);
    figures.put("closeSpreadSeconds", round(closeSpreadSeconds));
    figures.put("historyEventsPerCustomerPeriod", round(historyEventsPerCustomerPeriod));
    figures.put("historyEventsPerCustomerDay", round(historyEventsPerCustomerDay));
    figures.put("processCpuSeconds", round(processCpuSeconds));
    figures.put("peakHeapMb", round(peakHeapMb));
    figures.put("heapPerThousandCustomersMb", round(heapPerThousandCustomersMb));
    figures.put("tagSets", tagSets);
    figures.put("allocations", allocations);
    figures.put("meanRequestBytes", Math.round(meanRequestBytes));
    figures.put("maxRequestBytes", maxRequestBytes);
    return figures;
  }

  public String table() {
    StringBuilder out = new StringBuilder();
    figures()
        .forEach(
            (name, value) -> out.append(String.format(Locale.ROOT, "  %-32s %s%n", name, value)));
    return out.toString();
  }

  private static double round(double value) {
    return Math.round(value * 100.0) / 100.0;
  }
}
