package dev.hourmeter.workflows.model;

import java.time.Duration;

/**
 * Timing and bounds of a customer workflow. Defaults scale with the period so that a PT1M
 * development run behaves like a PT1H production run, only faster.
 *
 * @param grace wait after each period boundary before closing it, so that late pushes and the usage
 *     source catch up (default PT5M for hourly periods, period/12 for shorter ones)
 * @param windowPeriods how many periods back AWS accepts a record's timestamp (AWS: 6 hours)
 * @param windowSafety stop trying to send a period this long before it leaves the window
 * @param dedupHorizonPeriods report ids are remembered, and usage timestamps accepted, this many
 *     periods back
 * @param maxRememberedReports at most this many report ids are remembered (oldest forgotten first)
 * @param futureSkew usage timestamps may be at most this far in the future
 * @param continueAsNewAfterPeriods continue-as-new after this many periods in one run (0: only when
 *     the server suggests it)
 * @param recentPeriodsKept how many submitted periods {@code status} shows
 * @param verifyDelay wait at least this long after submitting before looking for the records in
 *     CloudTrail; the look happens at the first period close after it, so no timer of its own is
 *     spent (default PT30M for hourly periods, period/2 for shorter ones; 0 turns verification off)
 * @param resendLead re-send records still missing this long before they would leave the window
 *     (default two periods)
 * @param entitlementMaxAge reuse an entitled customer's last GetEntitlements answer for this long
 *     (default six periods, at most PT6H); it is rechecked sooner on the {@code
 *     entitlementsChanged} signal, when one of its entitlements expires, and every period while the
 *     customer is not entitled. Zero (also what a workflow started before this setting existed
 *     reads) checks at every period close.
 * @param maxEntryQuantity a pushed usage entry above this quantity is refused (default AWS's
 *     per-record maximum, 2,147,483,647; a workflow started before this setting existed reads the
 *     default)
 */
public record MeteringTuning(
    Duration grace,
    int windowPeriods,
    Duration windowSafety,
    int dedupHorizonPeriods,
    int maxRememberedReports,
    Duration futureSkew,
    int continueAsNewAfterPeriods,
    int recentPeriodsKept,
    Duration verifyDelay,
    Duration resendLead,
    Duration entitlementMaxAge,
    Long maxEntryQuantity) {

  public static final int DEFAULT_MAX_REMEMBERED_REPORTS = 4096;

  /** AWS's maximum quantity of one usage record (BatchMeterUsage): also the default entry limit. */
  public static final long DEFAULT_MAX_ENTRY_QUANTITY = 2_147_483_647L;

  public static final int DEFAULT_DEDUP_HORIZON_PERIODS = 24;

  public MeteringTuning {
    requirePositive("grace", grace, true);
    requirePositive("windowSafety", windowSafety, true);
    requirePositive("futureSkew", futureSkew, true);
    if (windowPeriods < 1) {
      throw new IllegalArgumentException("windowPeriods: must be >= 1, got " + windowPeriods);
    }
    if (dedupHorizonPeriods < 1) {
      throw new IllegalArgumentException(
          "dedupHorizonPeriods: must be >= 1, got " + dedupHorizonPeriods);
    }
    if (maxRememberedReports < 1) {
      throw new IllegalArgumentException(
          "maxRememberedReports: must be >= 1, got " + maxRememberedReports);
    }
    if (continueAsNewAfterPeriods < 0) {
      throw new IllegalArgumentException(
          "continueAsNewAfterPeriods: must be >= 0, got " + continueAsNewAfterPeriods);
    }
    requirePositive("verifyDelay", verifyDelay, true);
    requirePositive("resendLead", resendLead, true);
    entitlementMaxAge = entitlementMaxAge == null ? Duration.ZERO : entitlementMaxAge;
    requirePositive("entitlementMaxAge", entitlementMaxAge, true);
    maxEntryQuantity = maxEntryQuantity == null ? DEFAULT_MAX_ENTRY_QUANTITY : maxEntryQuantity;
    if (maxEntryQuantity < 1) {
      throw new IllegalArgumentException("maxEntryQuantity: must be >= 1, got " + maxEntryQuantity);
    }
    if (recentPeriodsKept < 1) {
      throw new IllegalArgumentException(
          "recentPeriodsKept: must be >= 1, got " + recentPeriodsKept);
    }
  }

  public static MeteringTuning defaults(Duration period) {
    Duration grace = min(Duration.ofMinutes(5), period.dividedBy(12));
    Duration safety = min(Duration.ofMinutes(10), period.dividedBy(6));
    Duration skew = min(Duration.ofMinutes(5), period);
    Duration verifyDelay = min(Duration.ofMinutes(30), period.dividedBy(2));
    return new MeteringTuning(
        grace,
        6,
        safety,
        DEFAULT_DEDUP_HORIZON_PERIODS,
        DEFAULT_MAX_REMEMBERED_REPORTS,
        skew,
        0,
        24,
        verifyDelay,
        period.multipliedBy(2),
        min(Duration.ofHours(6), period.multipliedBy(6)),
        DEFAULT_MAX_ENTRY_QUANTITY);
  }

  public MeteringTuning withGrace(Duration value) {
    return new MeteringTuning(
        value,
        windowPeriods,
        windowSafety,
        dedupHorizonPeriods,
        maxRememberedReports,
        futureSkew,
        continueAsNewAfterPeriods,
        recentPeriodsKept,
        verifyDelay,
        resendLead,
        entitlementMaxAge,
        maxEntryQuantity);
  }

  public MeteringTuning withContinueAsNewAfterPeriods(int value) {
    return new MeteringTuning(
        grace,
        windowPeriods,
        windowSafety,
        dedupHorizonPeriods,
        maxRememberedReports,
        futureSkew,
        value,
        recentPeriodsKept,
        verifyDelay,
        resendLead,
        entitlementMaxAge,
        maxEntryQuantity);
  }

  public MeteringTuning withMaxRememberedReports(int value) {
    return new MeteringTuning(
        grace,
        windowPeriods,
        windowSafety,
        dedupHorizonPeriods,
        value,
        futureSkew,
        continueAsNewAfterPeriods,
        recentPeriodsKept,
        verifyDelay,
        resendLead,
        entitlementMaxAge,
        maxEntryQuantity);
  }

  public MeteringTuning withVerifyDelay(Duration value) {
    return new MeteringTuning(
        grace,
        windowPeriods,
        windowSafety,
        dedupHorizonPeriods,
        maxRememberedReports,
        futureSkew,
        continueAsNewAfterPeriods,
        recentPeriodsKept,
        value,
        resendLead,
        entitlementMaxAge,
        maxEntryQuantity);
  }

  public MeteringTuning withEntitlementMaxAge(Duration value) {
    return new MeteringTuning(
        grace,
        windowPeriods,
        windowSafety,
        dedupHorizonPeriods,
        maxRememberedReports,
        futureSkew,
        continueAsNewAfterPeriods,
        recentPeriodsKept,
        verifyDelay,
        resendLead,
        value,
        maxEntryQuantity);
  }

  public MeteringTuning withMaxEntryQuantity(long value) {
    return new MeteringTuning(
        grace,
        windowPeriods,
        windowSafety,
        dedupHorizonPeriods,
        maxRememberedReports,
        futureSkew,
        continueAsNewAfterPeriods,
        recentPeriodsKept,
        verifyDelay,
        resendLead,
        entitlementMaxAge,
        value);
  }

  public boolean verificationEnabled() {
    return !verifyDelay.isZero();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void requirePositive(String field, Duration value, boolean allowZero) {
    if (value == null || value.isNegative() || (!allowZero && value.isZero())) {
      throw new IllegalArgumentException(field + ": must be a non-negative duration, got " + value);
    }
  }
}
