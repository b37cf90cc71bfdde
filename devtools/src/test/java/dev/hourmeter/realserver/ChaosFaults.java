package dev.hourmeter.realserver;

import dev.hourmeter.simulator.ApiOperation;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.RequestLogEntry;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS faults of {@link ChaosIT}: phase by phase, a random mix of what {@link FaultSpec} offers
 * (throttling, 5xx, unprocessed records, latency, on BatchMeterUsage and sometimes GetEntitlements
 * and LookupEvents), drawn from one seeded {@link Random} so that a run can be repeated. Counts
 * what it injected. CloudTrail events arrive late (the simulator's delay), never dropped: an
 * accepted record whose answer was lost (a kill, a timeout) and whose event never arrives cannot be
 * told from one AWS never got, and the workflow carries its usage (nothing lost, billed twice). AWS
 * documents delayed delivery, not lost events; dropped events are tested where the answer is known
 * (ReceiptVerificationWorkflowTest), and docs/design.md states the risk.
 */
final class ChaosFaults {

  private static final Logger log = LoggerFactory.getLogger(ChaosFaults.class);

  private final MarketplaceSimulator simulator;
  private final Random random;
  private final Map<String, Long> consumed = new TreeMap<>();
  private FaultSpec current = FaultSpec.none();
  private int phases;

  ChaosFaults(MarketplaceSimulator simulator, long seed) {
    this.simulator = simulator;
    this.random = new Random(seed);
  }

  /** A new random mix from now on. */
  void randomPhase(String label) {
    Set<ApiOperation> operations = EnumSet.of(ApiOperation.BATCH_METER_USAGE);
    if (random.nextInt(4) == 0) {
      operations.add(ApiOperation.GET_ENTITLEMENTS);
    }
    if (random.nextInt(4) == 0) {
      operations.add(ApiOperation.LOOKUP_EVENTS);
    }
    apply(
        label,
        FaultSpec.builder()
            .throttleRate(random.nextInt(3) == 0 ? 0.0 : rate(0.3))
            .serverErrorRate(random.nextInt(3) == 0 ? 0.0 : rate(0.25))
            .latencyMillis(random.nextBoolean() ? 0 : 100 + random.nextInt(2400))
            .unprocessedNext(random.nextInt(8))
            .seed(random.nextLong())
            .operations(operations)
            .build());
  }

  /** Every BatchMeterUsage call answers slowly: a worker killed now dies with calls in flight. */
  void slowPhase(String label, long latencyMillis) {
    apply(
        label,
        FaultSpec.builder()
            .latencyMillis(latencyMillis)
            .throttleRate(rate(0.2))
            .seed(random.nextLong())
            .build());
  }

  /** Every BatchMeterUsage call fails, throttled or with a 5xx (the fate of a 5xx is unknown). */
  void outage(String label) {
    apply(
        label,
        FaultSpec.builder().throttleRate(0.4).serverErrorRate(1.0).seed(random.nextLong()).build());
  }

  void clear() {
    settle();
    simulator.clearFaults();
    current = FaultSpec.none();
    log.info("chaos faults cleared");
  }

  int phases() {
    return phases;
  }

  /**
   * Faults injected per kind: the counted ones (unprocessed records) and the refused requests of
   * the simulator's request log (throttling includes its own TPS limit).
   */
  Map<String, Long> injected() {
    settle();
    Map<String, Long> counts = new TreeMap<>(consumed);
    for (RequestLogEntry request : simulator.requestLog()) {
      if (request.errorType() != null && request.status() != 200) {
        counts.merge(request.operation() + " " + request.errorType(), 1L, Long::sum);
      }
    }
    return counts;
  }

  private void apply(String label, FaultSpec spec) {
    settle();
    simulator.setFaults(spec);
    current = spec;
    phases++;
    log.info("chaos faults [{}]: {}", label, spec);
  }

  /** Counts the deterministic faults the ending phase consumed. */
  private void settle() {
    FaultSpec left = simulator.faults();
    consumed.merge(
        "BatchMeterUsage unprocessed records",
        (long) current.unprocessedNext() - left.unprocessedNext(),
        Long::sum);
  }

  private double rate(double max) {
    return Math.round(random.nextDouble() * max * 100) / 100.0;
  }
}
