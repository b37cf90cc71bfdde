package dev.hourmeter.workflows.model.api;

import java.time.Duration;

/**
 * Builds a {@link MeteringTuning} from another: {@link MeteringTuning#builder(Duration)} starts
 * from the defaults of a period, {@link MeteringTuning#toBuilder()} from a tuning. One setter per
 * component (see the record for what each means); {@link #build()} runs the record's constructor,
 * so its checks and defaults apply.
 */
public final class MeteringTuningBuilder {
  private Duration grace;
  private Duration windowSafety;
  private int dedupHorizonPeriods;
  private int maxRememberedReports;
  private Duration futureSkew;
  private int continueAsNewAfterPeriods;
  private int recentPeriodsKept;
  private Duration verifyDelay;
  private Duration resendLead;
  private Duration entitlementMaxAge;
  private Integer continueAsNewAfterSignals;
  private Integer continueAsNewAfterUpdates;
  private Integer continueAsNewAfterHistoryEvents;
  private Long continueAsNewAfterHistoryBytes;
  private Long maxEntryQuantity;
  private Duration window;
  private Duration closeSpread;

  MeteringTuningBuilder(MeteringTuning t) {
    grace = t.grace();
    windowSafety = t.windowSafety();
    dedupHorizonPeriods = t.dedupHorizonPeriods();
    maxRememberedReports = t.maxRememberedReports();
    futureSkew = t.futureSkew();
    continueAsNewAfterPeriods = t.continueAsNewAfterPeriods();
    recentPeriodsKept = t.recentPeriodsKept();
    verifyDelay = t.verifyDelay();
    resendLead = t.resendLead();
    entitlementMaxAge = t.entitlementMaxAge();
    continueAsNewAfterSignals = t.continueAsNewAfterSignals();
    continueAsNewAfterUpdates = t.continueAsNewAfterUpdates();
    continueAsNewAfterHistoryEvents = t.continueAsNewAfterHistoryEvents();
    continueAsNewAfterHistoryBytes = t.continueAsNewAfterHistoryBytes();
    maxEntryQuantity = t.maxEntryQuantity();
    window = t.window();
    closeSpread = t.closeSpread();
  }

  public MeteringTuningBuilder grace(Duration value) {
    grace = value;
    return this;
  }

  public MeteringTuningBuilder windowSafety(Duration value) {
    windowSafety = value;
    return this;
  }

  public MeteringTuningBuilder dedupHorizonPeriods(int value) {
    dedupHorizonPeriods = value;
    return this;
  }

  public MeteringTuningBuilder maxRememberedReports(int value) {
    maxRememberedReports = value;
    return this;
  }

  public MeteringTuningBuilder futureSkew(Duration value) {
    futureSkew = value;
    return this;
  }

  public MeteringTuningBuilder continueAsNewAfterPeriods(int value) {
    continueAsNewAfterPeriods = value;
    return this;
  }

  public MeteringTuningBuilder recentPeriodsKept(int value) {
    recentPeriodsKept = value;
    return this;
  }

  public MeteringTuningBuilder verifyDelay(Duration value) {
    verifyDelay = value;
    return this;
  }

  public MeteringTuningBuilder resendLead(Duration value) {
    resendLead = value;
    return this;
  }

  public MeteringTuningBuilder entitlementMaxAge(Duration value) {
    entitlementMaxAge = value;
    return this;
  }

  public MeteringTuningBuilder continueAsNewAfterSignals(int value) {
    continueAsNewAfterSignals = value;
    return this;
  }

  public MeteringTuningBuilder continueAsNewAfterUpdates(int value) {
    continueAsNewAfterUpdates = value;
    return this;
  }

  public MeteringTuningBuilder continueAsNewAfterHistoryEvents(int value) {
    continueAsNewAfterHistoryEvents = value;
    return this;
  }

  public MeteringTuningBuilder continueAsNewAfterHistoryBytes(long value) {
    continueAsNewAfterHistoryBytes = value;
    return this;
  }

  public MeteringTuningBuilder maxEntryQuantity(long value) {
    maxEntryQuantity = value;
    return this;
  }

  public MeteringTuningBuilder window(Duration value) {
    window = value;
    return this;
  }

  public MeteringTuningBuilder closeSpread(Duration value) {
    closeSpread = value;
    return this;
  }

  public MeteringTuning build() {
    return new MeteringTuning(
        grace,
        windowSafety,
        dedupHorizonPeriods,
        maxRememberedReports,
        futureSkew,
        continueAsNewAfterPeriods,
        recentPeriodsKept,
        verifyDelay,
        resendLead,
        entitlementMaxAge,
        continueAsNewAfterSignals,
        continueAsNewAfterUpdates,
        continueAsNewAfterHistoryEvents,
        continueAsNewAfterHistoryBytes,
        maxEntryQuantity,
        window,
        closeSpread);
  }
}
