package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The workflow's metrics for every way usage can stray, emitted through the Temporal SDK's metrics
 * scope (nothing is emitted while a history replays). Tags never name a customer: the search
 * attributes ({@code MeteringOutage}, {@code MeteringVerification}) say which customers.
 *
 * <ul>
 *   <li>{@value #RECORDS} (tag {@code status}, one of {@link RecordStatus}): records submitted, by
 *       their final answer; {@code UNCONFIRMED} and {@code NOT_ACCEPTED} are the ones to watch.
 *   <li>{@value #RECORDS_UNVERIFIED}: accepted records CloudTrail never showed, past re-sending.
 *   <li>{@value #USAGE_CARRIED} (tag {@code reason}, one of the {@link CarriedUsage} reasons):
 *       units moved to a later period. A counter counts whole units: a quantity with a fraction is
 *       rounded up ({@code 0.25} counts 1), so that strayed usage never counts as none.
 *   <li>{@value #HANDOVER_REPORTS} (tag {@code outcome}: {@code forwarded}, {@code unforwarded}):
 *       reports (parts of reports) a renewed or replaced license passed to its successor, or could
 *       not (no successor in time, or it had ended).
 * </ul>
 *
 * The older counters {@code hourmeter_records_accepted}, {@code hourmeter_records_not_accepted},
 * {@code hourmeter_outage_*} and {@code hourmeter_usage_reports_refused} are kept as they are.
 */
final class MeteringMetrics {

  static final String RECORDS = "hourmeter_records_submitted";
  static final String RECORDS_UNVERIFIED = "hourmeter_records_unverified";
  static final String USAGE_CARRIED = "hourmeter_usage_carried_units";
  static final String UNBILLED_AT_END = "hourmeter_usage_unbilled_at_end_units";
  static final String HANDOVER_REPORTS = "hourmeter_handover_reports";

  private MeteringMetrics() {}

  /** Counts submitted records by their answer. */
  static void submitted(List<RecordResult> results) {
    Map<RecordStatus, Long> byStatus = new EnumMap<>(RecordStatus.class);
    results.forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
    byStatus.forEach(
        (status, count) ->
            Workflow.getMetricsScope()
                .tagged(Map.of("status", status.name()))
                .counter(RECORDS)
                .inc(count));
  }

  static void handOver(String outcome, long reports) {
    if (reports > 0) {
      Workflow.getMetricsScope()
          .tagged(Map.of("outcome", outcome))
          .counter(HANDOVER_REPORTS)
          .inc(reports);
    }
  }

  static void unverified(int records) {
    Workflow.getMetricsScope().counter(RECORDS_UNVERIFIED).inc(records);
  }

  static void unbilledAtEnd(BigDecimal units) {
    Workflow.getMetricsScope().counter(UNBILLED_AT_END).inc(wholeUnits(units));
  }

  static void carried(CarriedUsage carried) {
    Workflow.getMetricsScope()
        .tagged(Map.of("reason", carried.reason()))
        .counter(USAGE_CARRIED)
        .inc(wholeUnits(carried.quantity()));
  }

  private static long wholeUnits(BigDecimal quantity) {
    BigDecimal whole = quantity.setScale(0, RoundingMode.CEILING);
    return whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0
        ? Long.MAX_VALUE
        : whole.longValue();
  }
}
