package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.WorkflowTime.now;

import dev.hourmeter.workflows.model.BacklogPeriod;
import dev.hourmeter.workflows.model.CarriedUsage;
import dev.hourmeter.workflows.model.CollectedUsage;
import dev.hourmeter.workflows.model.EntitlementSnapshot;
import dev.hourmeter.workflows.model.MeteringRecord;
import dev.hourmeter.workflows.model.MeteringState;
import dev.hourmeter.workflows.model.Quantities;
import dev.hourmeter.workflows.model.RecordResult;
import dev.hourmeter.workflows.model.RecordStatus;
import dev.hourmeter.workflows.state.CustomerState;
import dev.hourmeter.workflows.state.PeriodBacklog;
import dev.hourmeter.workflows.state.PulledTotals;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Submits closed periods, oldest first. Pulled usage is gathered for each first; a period that left
 * AWS's timestamp window is folded into the next one; nothing is submitted while not entitled. A
 * failing usage source or entitlement check keeps the backlog for the next close.
 */
final class BacklogProcessor {

  private static final Logger log = Workflow.getLogger(BacklogProcessor.class);

  private final CustomerState state;
  private final MeteringActivityStubs activities;
  private final MeteringVisibility visibility;

  BacklogProcessor(
      CustomerState state, MeteringActivityStubs activities, MeteringVisibility visibility) {
    this.state = state;
    this.activities = activities;
    this.visibility = visibility;
  }

  void process() {
    PeriodBacklog backlog = state.backlog();
    if (backlog.isEmpty() || !collectBacklogUsage()) {
      return;
    }
    EntitlementSnapshot entitlements = null;
    while (!backlog.isEmpty() && backlog.oldest().usageCollected()) {
      Instant periodStart = backlog.oldest().periodStart();
      Duration untilWindowCloses = Duration.between(now(), state.windowDeadline(periodStart));
      if (untilWindowCloses.compareTo(Duration.ofSeconds(1)) < 0) {
        backlog.removeOldest();
        Instant target = state.carryOutOfWindow(periodStart);
        log.warn(
            "period {} left the timestamp window unsent; its usage moved to {}",
            periodStart,
            target);
        continue;
      }
      if (entitlements == null) {
        entitlements = currentEntitlements();
        if (entitlements == null) {
          return;
        }
        if (!entitlements.entitled()) {
          visibility.changeState(MeteringState.SUSPENDED, "not entitled: " + entitlements.reason());
          return;
        }
        visibility.changeState(MeteringState.ACTIVE, "");
      }
      backlog.removeOldest();
      submitPeriod(periodStart, entitlements, untilWindowCloses);
    }
  }

  /**
   * Unsubscribe: closes every period up to and including the open one, submits what can be, ends.
   */
  void finalFlush() {
    Instant current = state.closeThroughOpenPeriod(now());
    process();
    int left = state.backlog().periods().size();
    String reason =
        left == 0
            ? "unsubscribed; final period " + current + " flushed"
            : "unsubscribed with " + left + " unsubmitted period(s): " + state.stateReason();
    visibility.changeState(MeteringState.ENDED, reason);
    log.info("metering ended: {}", reason);
  }

  /**
   * After the final flush: bills the usage left in {@link CustomerState#leftoverUsagePeriod} (an
   * outage carried it past the flushed periods) in that period, once it has begun. Nothing is
   * collected for it (the customer left). False when it cannot be sent (not entitled, or the
   * entitlement check failed): the usage stays unbilled and {@link #reportUnbilledAtEnd} says so.
   */
  boolean submitLeftover() {
    Instant period = state.leftoverUsagePeriod();
    Duration wait = Duration.between(now(), period);
    if (wait.isPositive()) {
      Workflow.newTimer(
              wait,
              TimerOptions.newBuilder()
                  .setSummary("bill usage carried past the final flush in " + period)
                  .build())
          .get();
    }
    EntitlementSnapshot entitlements = currentEntitlements();
    if (entitlements == null || !entitlements.entitled()) {
      state.setReason(
          "unsubscribed; usage carried to "
              + period
              + " not sent: "
              + (entitlements == null ? "entitlement check failed" : entitlements.reason()));
      visibility.updateDetails();
      return false;
    }
    Duration untilWindowCloses = Duration.between(now(), state.windowDeadline(period));
    if (untilWindowCloses.compareTo(Duration.ofSeconds(1)) < 0) {
      // As in process(): a period that can no longer be sent hands its usage to the next one.
      Instant target = state.carryOutOfWindow(period);
      log.warn("period {} left the timestamp window unsent; its usage moved to {}", period, target);
      return true;
    }
    log.info("billing usage carried past the final flush in {}", period);
    submitPeriod(period, entitlements, untilWindowCloses);
    return true;
  }

  /** At the very end: usage that could not be billed is logged, counted and named in the state. */
  void reportUnbilledAtEnd() {
    Instant period = state.leftoverUsagePeriod();
    if (period == null) {
      return;
    }
    Map<String, BigDecimal> left = state.pendingUsage(period);
    log.error("metering ended with usage never billed, carried to {}: {}", period, left);
    MeteringMetrics.unbilledAtEnd(Quantities.total(left));
    state.setReason(state.stateReason() + "; never billed: " + left + " carried to " + period);
    visibility.updateDetails();
  }

  /** Gathers pulled usage for backlog periods in order; false when the source failed at once. */
  private boolean collectBacklogUsage() {
    List<BacklogPeriod> backlog = state.backlog().periods();
    for (int i = 0; i < backlog.size(); i++) {
      BacklogPeriod item = backlog.get(i);
      if (item.usageCollected()) {
        continue;
      }
      Instant from = item.periodStart();
      Instant end = state.calendar().next(from);
      Instant to =
          end.isAfter(now()) ? now() : end; // the final period of an unsubscribe is partial
      if (!collectUsage(from, to)) {
        return i > 0;
      }
      state.backlog().markCollected(i);
    }
    return true;
  }

  private boolean collectUsage(Instant from, Instant to) {
    try {
      CollectedUsage usage = activities.collectUsage(from, to, state.pulledLookbackFrom(from));
      for (PulledTotals.Difference d :
          state.addCollectedUsage(
              from, usage.quantities(), usage.earlierPeriods(), usage.tagged())) {
        if (d.grew()) {
          log.info(
              "pulled usage added late to period {}: {} {} (billed now)",
              d.period(),
              d.delta().toPlainString(),
              d.dimension());
        } else {
          log.warn(
              "pulled usage of period {} now shows {} {} less than was billed (file rotated away or"
                  + " rewritten?): nothing is un-billed",
              d.period(),
              d.delta().negate().toPlainString(),
              d.dimension());
        }
      }
      return true;
    } catch (ActivityFailure e) {
      state.setReason(
          "usage source failed for "
              + from
              + ": "
              + MeteringActivityStubs.rootMessage(e)
              + " (retried next period)");
      log.warn("collecting usage for {} failed; will retry next period", from, e);
      return false;
    }
  }

  /**
   * The customer's entitlements: the last answer while it may be reused, else a new check. Null
   * when the check failed.
   */
  private EntitlementSnapshot currentEntitlements() {
    EntitlementSnapshot reusable = state.reusableEntitlements(now());
    if (reusable != null) {
      return reusable;
    }
    EntitlementSnapshot checked = checkEntitlements();
    return state.rememberEntitlements(checked, now());
  }

  private EntitlementSnapshot checkEntitlements() {
    try {
      return activities.checkEntitlements();
    } catch (ActivityFailure e) {
      state.setReason(
          "entitlement check failed: "
              + MeteringActivityStubs.rootMessage(e)
              + " (retried next period)");
      log.warn("entitlement check failed; backlog kept for the next period", e);
      return null;
    }
  }

  private void submitPeriod(
      Instant periodStart, EntitlementSnapshot entitlements, Duration untilWindowCloses) {
    List<MeteringRecord> records = state.sealAndPlan(periodStart, entitlements);
    Instant sentAt = now();
    List<RecordResult> results =
        activities.submitUntilWindowCloses(records, untilWindowCloses, periodStart);
    Map<RecordStatus, Long> byStatus = state.recordResults(periodStart, results);
    long accepted = results.stream().filter(r -> r.status().accepted()).count();
    Workflow.getMetricsScope().counter("hourmeter_records_accepted").inc(accepted);
    Workflow.getMetricsScope()
        .counter("hourmeter_records_not_accepted")
        .inc(results.size() - accepted);
    MeteringMetrics.submitted(results);
    log.info("period {} submitted: {}", periodStart, byStatus);
    state.scheduleVerification(periodStart, results, now());
    afterOutage(periodStart, results, sentAt);
  }

  /**
   * Records AWS certainly did not accept before the window closed are carried to the oldest open
   * period; those whose fate is unknown wait for a CloudTrail look. {@code MeteringOutage} flags
   * the customer while either waits (and is cleared here once carried usage went out).
   */
  private void afterOutage(Instant periodStart, List<RecordResult> results, Instant sentAt) {
    long carried = 0;
    for (RecordResult result : results) {
      if (result.status() == RecordStatus.NOT_ACCEPTED) {
        Instant target = state.carryUnbilled(result.record(), CarriedUsage.NOT_ACCEPTED);
        log.warn(
            "record {} not accepted before its window closed ({}); its usage moved to {}",
            result.record().key(),
            result.detail(),
            target);
        carried++;
      }
    }
    Workflow.getMetricsScope().counter("hourmeter_outage_records_carried").inc(carried);
    state.scheduleFateCheck(periodStart, results, sentAt, now());
    visibility.updateOutage();
  }
}
