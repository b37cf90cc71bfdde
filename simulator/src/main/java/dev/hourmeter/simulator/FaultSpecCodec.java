package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.Set;

/**
 * Parses the control API's faults body ({@code /_sim/faults}) into a {@link FaultSpec}, strictly,
 * as {@link ControlCodec} does the other bodies.
 */
final class FaultSpecCodec {

  private static final Set<String> FAULT_FIELDS =
      Set.of(
          "throttleRate",
          "serverErrorRate",
          "unprocessedRate",
          "latencyMillis",
          "throttleNext",
          "serverErrorNext",
          "unprocessedNext",
          "seed",
          "dropCloudTrailEvents",
          "dropCloudTrailEventsNext",
          "emptyEntitlementPagesNext",
          "operations",
          "duplicateEventsNext",
          "reorderEventsNext",
          "malformedEventsNext");

  private FaultSpecCodec() {}

  static FaultSpec faults(JsonNode node) {
    ControlCodec.requireObject(node, "body");
    ControlCodec.allowOnly(node, "", FAULT_FIELDS);
    FaultSpec.Builder b =
        FaultSpec.builder()
            .throttleRate(rate(node, "throttleRate"))
            .serverErrorRate(rate(node, "serverErrorRate"))
            .unprocessedRate(rate(node, "unprocessedRate"))
            .latencyMillis(count(node, "latencyMillis"))
            .throttleNext((int) count(node, "throttleNext"))
            .serverErrorNext((int) count(node, "serverErrorNext"))
            .unprocessedNext((int) count(node, "unprocessedNext"))
            .dropCloudTrailEvents(ControlCodec.bool(node, "dropCloudTrailEvents", false))
            .dropCloudTrailEventsNext((int) count(node, "dropCloudTrailEventsNext"))
            .emptyEntitlementPagesNext((int) count(node, "emptyEntitlementPagesNext"))
            .duplicateEventsNext((int) count(node, "duplicateEventsNext"))
            .reorderEventsNext((int) count(node, "reorderEventsNext"))
            .malformedEventsNext((int) count(node, "malformedEventsNext"));
    JsonNode seed = node.get("seed");
    if (seed != null && !seed.isNull()) {
      if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
        throw new ControlException("seed must be an integer");
      }
      b.seed(seed.longValue());
    }
    if (node.has("operations") && !node.get("operations").isNull()) {
      Set<ApiOperation> ops = EnumSet.noneOf(ApiOperation.class);
      for (String name : ControlCodec.stringList(node, "operations")) {
        ops.add(
            ApiOperation.fromName(name)
                .orElseThrow(
                    () ->
                        new ControlException(
                            "operations: unknown operation '"
                                + name
                                + "' (use BatchMeterUsage, GetEntitlements, LookupEvents,"
                                + " ResolveCustomer)")));
      }
      b.operations(ops);
    }
    return b.build();
  }

  private static double rate(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return 0.0;
    }
    if (!v.isNumber() || v.doubleValue() < 0.0 || v.doubleValue() > 1.0) {
      throw new ControlException(field + " must be a number between 0.0 and 1.0");
    }
    return v.doubleValue();
  }

  private static long count(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
      throw new ControlException(field + " must be a non-negative integer");
    }
    return v.intValue();
  }
}
