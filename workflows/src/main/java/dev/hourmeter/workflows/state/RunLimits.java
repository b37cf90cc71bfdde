package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.api.MeteringTuning;

/**
 * Temporal's per-run limits, watched from inside the run: the signals and updates this run has
 * received, and whether it is time to continue as new before a limit refuses a message. Not carried
 * across continue-as-new (a new run starts from zero); pure, so the workflow passes in what the
 * server reports about the history.
 */
public final class RunLimits {

  private final MeteringTuning tuning;
  private int signals;
  private int updates;

  public RunLimits(MeteringTuning tuning) {
    this.tuning = tuning;
  }

  /** Called at the top of every signal handler. */
  public void countSignal() {
    signals++;
  }

  /** Called at the top of every update handler (not the validator: it does not run on replay). */
  public void countUpdate() {
    updates++;
  }

  public int signals() {
    return signals;
  }

  public int updates() {
    return updates;
  }

  /**
   * Why this run should continue as new now, or null: the server suggests it, or the signals,
   * updates, history events or history bytes reached the tuned safety margin.
   */
  public String continueAsNewReason(boolean suggested, long historyEvents, long historyBytes) {
    if (suggested) {
      return "suggested by the server";
    }
    if (signals >= tuning.continueAsNewAfterSignals()) {
      return signals + " signals";
    }
    if (updates >= tuning.continueAsNewAfterUpdates()) {
      return updates + " updates";
    }
    if (historyEvents >= tuning.continueAsNewAfterHistoryEvents()) {
      return historyEvents + " history events";
    }
    if (historyBytes >= tuning.continueAsNewAfterHistoryBytes()) {
      return historyBytes + " history bytes";
    }
    return null;
  }
}
