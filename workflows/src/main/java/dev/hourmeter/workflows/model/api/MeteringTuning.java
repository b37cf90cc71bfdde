package dev.hourmeter.workflows.model.api;

import java.time.Duration;
import java.util.List;

/**
 * Timing and bounds of a customer workflow. Defaults scale with the period so that a PT1M
 * development run behaves like a PT1H production run, only faster. It is serialized into the
 * workflow's history: components are never renamed or retyped, and new ones are nullable and
 * defaulted by the constructor, so a workflow started before them still reads its tuning. Build
 * variants with {@link #builder(Duration)} or {@link #toBuilder()}.
 *
 * @param grace wait after each period boundary before closing it, so that late pushes and the usage
 *     source catch up (default PT5M for hourly periods, period/12 for shorter ones)
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
 * @param continueAsNewAfterSignals continue as new from the wait, without closing a period, after
 *     this many signals in one run (Temporal refuses the 10,001st; default 9,000)
 * @param continueAsNewAfterUpdates the same after this many updates (Temporal refuses the 2,001st;
 *     default 1,800)
 * @param continueAsNewAfterHistoryEvents the same once the run's history has this many events
 *     (Temporal's limit: 51,200; default 40,000), in case the server's suggestion does not come
 * @param continueAsNewAfterHistoryBytes the same once the run's history has this many bytes
 *     (Temporal's limit: 50 MB; default 40 MB)
 * @param maxEntryQuantity a pushed usage entry above this quantity is refused (default AWS's
 *     per-record maximum, 2,147,483,647; a workflow started before this setting existed reads the
 *     default)
 * @param window how long after its timestamp AWS accepts a record (default 24 periods, at most
 *     PT24H: AWS's window). The month-end cut-off applies on top of it ({@link
 *     dev.hourmeter.workflows.state.TimestampWindowRule}).
 * @param closeSpread the customer's periods close at a stable offset inside this spread after the
 *     grace, so that a fleet's closes (and their Temporal actions) do not all fall in the same
 *     second: the offset is a hash of the workflow id ({@code CloseOffset}). Default PT20M for
 *     hourly periods, period/3 for shorter ones ({@link #defaultCloseSpread}); docs/design.md says
 *     how it is sized. Null reads as that default ({@link MeteringSubscription} applies it: it
 *     depends on the period), so a workflow started before this setting existed spreads too, once
 *     its run takes the {@code close-spread-2026-12} change.
 */
public record MeteringTuning(
    Duration grace,
    Duration windowSafety,
    int dedupHorizonPeriods,
    int maxRememberedReports,
    Duration futureSkew,
    int continueAsNewAfterPeriods,
    int recentPeriodsKept,
    Duration verifyDelay,
    Duration resendLead,
    Duration entitlementMaxAge,
    Integer continueAsNewAfterSignals,
    Integer continueAsNewAfterUpdates,
    Integer continueAsNewAfterHistoryEvents,
    Long continueAsNewAfterHistoryBytes,
    Long maxEntryQuantity,
    Duration window,
    Duration closeSpread) {

  /** AWS's maximum quantity of one usage record (BatchMeterUsage): also the default entry limit. */
  public static final long DEFAULT_MAX_ENTRY_QUANTITY = 2_147_483_647L;

  /** AWS accepts a record up to 24 hours after its timestamp: the default window is 24 periods. */
  private static final int DEFAULT_WINDOW_PERIODS = 24;

  /** AWS's window, the documented maximum of {@link #window}. */
  public static final Duration MAX_WINDOW = Duration.ofHours(24);

  /** The documented minimum of {@link #window} (six periods when that is shorter). */
  public static final Duration MIN_WINDOW = Duration.ofHours(1);

  /** The default {@link #closeSpread} of hourly (and longer) periods. */
  public static final Duration DEFAULT_CLOSE_SPREAD = Duration.ofMinutes(20);

  /** The documented maximum of {@link #entitlementMaxAge}: a check is reused at most this long. */
  public static final Duration MAX_ENTITLEMENT_MAX_AGE = Duration.ofHours(6);

  public MeteringTuning {
    requireNonNegative("grace", grace);
    requireNonNegative("windowSafety", windowSafety);
    requireNonNegative("futureSkew", futureSkew);
    if (window == null || !window.isPositive()) {
      throw new IllegalArgumentException("window: must be positive, got " + window);
    }
    requireAtLeast("dedupHorizonPeriods", dedupHorizonPeriods, 1);
    requireAtLeast("maxRememberedReports", maxRememberedReports, 1);
    requireAtLeast("continueAsNewAfterPeriods", continueAsNewAfterPeriods, 0);
    requireNonNegative("verifyDelay", verifyDelay);
    requireNonNegative("resendLead", resendLead);
    entitlementMaxAge = entitlementMaxAge == null ? Duration.ZERO : entitlementMaxAge;
    requireNonNegative("entitlementMaxAge", entitlementMaxAge);
    // Absent from payloads written before these limits existed: read as the defaults. Temporal
    // refuses the 10,001st signal and the 2,001st update of a run, and terminates it at 51,200
    // events or 50 MB of history; the server suggests continuing far earlier.
    continueAsNewAfterSignals =
        (int) within("continueAsNewAfterSignals", continueAsNewAfterSignals, 9_000, 10_000);
    continueAsNewAfterUpdates =
        (int) within("continueAsNewAfterUpdates", continueAsNewAfterUpdates, 1_800, 2_000);
    continueAsNewAfterHistoryEvents =
        (int)
            within(
                "continueAsNewAfterHistoryEvents", continueAsNewAfterHistoryEvents, 40_000, 51_200);
    continueAsNewAfterHistoryBytes =
        within(
            "continueAsNewAfterHistoryBytes",
            continueAsNewAfterHistoryBytes,
            40L * 1024 * 1024,
            50L * 1024 * 1024);
    maxEntryQuantity = maxEntryQuantity == null ? DEFAULT_MAX_ENTRY_QUANTITY : maxEntryQuantity;
    requireAtLeast("maxEntryQuantity", maxEntryQuantity, 1);
    requireAtLeast("recentPeriodsKept", recentPeriodsKept, 1);
    if (closeSpread != null) {
      requireNonNegative("closeSpread", closeSpread);
    }
  }

  public static MeteringTuning defaults(Duration period) {
    return new MeteringTuning(
        min(Duration.ofMinutes(5), period.dividedBy(12)),
        min(Duration.ofMinutes(10), period.dividedBy(6)),
        24,
        4096,
        min(Duration.ofMinutes(5), period),
        0,
        24,
        min(Duration.ofMinutes(30), period.dividedBy(2)),
        period.multipliedBy(2),
        min(MAX_ENTITLEMENT_MAX_AGE, period.multipliedBy(6)),
        null,
        null,
        null,
        null,
        null,
        min(MAX_WINDOW, period.multipliedBy(DEFAULT_WINDOW_PERIODS)),
        defaultCloseSpread(period));
  }

  /**
   * The default {@link #closeSpread}: PT20M for hourly and longer periods, period/3 for shorter
   * ones (PT20S for PT1M), so a close stays in the first half of the next period with the grace.
   */
  public static Duration defaultCloseSpread(Duration period) {
    return min(DEFAULT_CLOSE_SPREAD, period.dividedBy(3));
  }

  /**
   * Why a close spread is out of its documented bounds for new workflows, null if it is not: from
   * PT0S (every customer closes at the period's end plus grace, as before) to half the period, so
   * that a period closes well before the next one ends and inside AWS's timestamp window.
   */
  public static String closeSpreadProblem(Duration spread, Duration period) {
    if (spread == null || spread.isNegative()) {
      return "must not be negative, got " + spread;
    }
    Duration most = period.dividedBy(2);
    if (spread.compareTo(most) > 0) {
      return "must be at most half the period, " + most + ", got " + spread;
    }
    return null;
  }

  /** A builder starting from the {@link #defaults} of {@code period}. */
  public static MeteringTuningBuilder builder(Duration period) {
    return defaults(period).toBuilder();
  }

  /** A builder starting from this tuning. */
  public MeteringTuningBuilder toBuilder() {
    return new MeteringTuningBuilder(this);
  }

  /**
   * What is wrong with starting a NEW workflow with this tuning, each message prefixed with the
   * field; empty when nothing is. Not checked by the constructor, which also reads the tuning of
   * workflows started before these bounds were enforced.
   */
  public List<String> startProblems() {
    String maxAge = entitlementMaxAgeProblem(entitlementMaxAge);
    return maxAge == null ? List.of() : List.of("entitlementMaxAge: " + maxAge);
  }

  /** Why an entitlement max age is out of its documented bounds, PT0S..PT6H; null if it is not. */
  public static String entitlementMaxAgeProblem(Duration value) {
    if (value == null || value.isNegative()) {
      return "must not be negative, got " + value;
    }
    if (value.compareTo(MAX_ENTITLEMENT_MAX_AGE) > 0) {
      return "must be at most " + MAX_ENTITLEMENT_MAX_AGE + ", got " + value;
    }
    return null;
  }

  /**
   * Why a window is out of its documented bounds for new workflows, null if it is not: at most
   * PT24H (AWS's window) and at least PT1H, or six periods when that is shorter (development runs
   * with short periods).
   */
  public static String windowProblem(Duration window, Duration period) {
    Duration least = min(MIN_WINDOW, period.multipliedBy(6));
    if (window == null || window.compareTo(least) < 0) {
      return "must be at least " + least + ", got " + window;
    }
    if (window.compareTo(MAX_WINDOW) > 0) {
      return "must be at most " + MAX_WINDOW + " (AWS's window), got " + window;
    }
    return null;
  }

  public boolean verificationEnabled() {
    return !verifyDelay.isZero();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static long within(String field, Number value, long byDefault, long max) {
    long v = value == null ? byDefault : value.longValue();
    if (v < 1 || v > max) {
      throw new IllegalArgumentException(field + ": must be within 1.." + max + ", got " + v);
    }
    return v;
  }

  private static void requireAtLeast(String field, long value, long least) {
    if (value < least) {
      throw new IllegalArgumentException(field + ": must be >= " + least + ", got " + value);
    }
  }

  private static void requireNonNegative(String field, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(field + ": must be a non-negative duration, got " + value);
    }
  }
}
