package dev.hourmeter.simulator;

import java.util.Random;

/**
 * Runtime state of the injected faults: decides, request by request, whether to misbehave.
 * Thread-safe.
 */
final class FaultInjector {

  private FaultSpec spec = FaultSpec.none();
  private Random random = new Random();
  private int throttleNext;
  private int serverErrorNext;
  private int unprocessedNext;
  private int dropNext;
  private int emptyPagesNext;
  private int duplicateEventsNext;
  private int reorderEventsNext;
  private int malformedEventsNext;

  synchronized void set(FaultSpec newSpec) {
    this.spec = newSpec;
    this.random = newSpec.seed() == null ? new Random() : new Random(newSpec.seed());
    this.throttleNext = newSpec.throttleNext();
    this.serverErrorNext = newSpec.serverErrorNext();
    this.unprocessedNext = newSpec.unprocessedNext();
    this.dropNext = newSpec.dropCloudTrailEventsNext();
    this.emptyPagesNext = newSpec.emptyEntitlementPagesNext();
    this.duplicateEventsNext = newSpec.duplicateEventsNext();
    this.reorderEventsNext = newSpec.reorderEventsNext();
    this.malformedEventsNext = newSpec.malformedEventsNext();
  }

  synchronized void clear() {
    set(FaultSpec.none());
  }

  /** The configured faults with the deterministic counters showing what is left. */
  synchronized FaultSpec current() {
    return spec.toBuilder()
        .throttleNext(throttleNext)
        .serverErrorNext(serverErrorNext)
        .unprocessedNext(unprocessedNext)
        .dropCloudTrailEventsNext(dropNext)
        .emptyEntitlementPagesNext(emptyPagesNext)
        .duplicateEventsNext(duplicateEventsNext)
        .reorderEventsNext(reorderEventsNext)
        .malformedEventsNext(malformedEventsNext)
        .build();
  }

  synchronized long latencyMillis(ApiOperation operation) {
    return spec.appliesTo(operation) ? spec.latencyMillis() : 0L;
  }

  synchronized boolean throttle(ApiOperation operation) {
    if (!spec.appliesTo(operation)) {
      return false;
    }
    if (throttleNext > 0) {
      throttleNext--;
      return true;
    }
    return roll(spec.throttleRate());
  }

  synchronized boolean serverError(ApiOperation operation) {
    if (!spec.appliesTo(operation)) {
      return false;
    }
    if (serverErrorNext > 0) {
      serverErrorNext--;
      return true;
    }
    return roll(spec.serverErrorRate());
  }

  /** Per usage record of an otherwise accepted BatchMeterUsage call. */
  synchronized boolean leaveUnprocessed() {
    if (unprocessedNext > 0) {
      unprocessedNext--;
      return true;
    }
    return roll(spec.unprocessedRate());
  }

  /** Per accepted BatchMeterUsage call. */
  synchronized boolean dropCloudTrailEvent() {
    if (dropNext > 0) {
      dropNext--;
      return true;
    }
    return spec.dropCloudTrailEvents();
  }

  /** Per GetEntitlements call: answer with an empty page and a NextToken for the same position. */
  synchronized boolean emptyEntitlementPage() {
    if (emptyPagesNext > 0) {
      emptyPagesNext--;
      return true;
    }
    return false;
  }

  /** Per agreement event: deliver it twice. */
  synchronized boolean duplicateEvent() {
    if (duplicateEventsNext > 0) {
      duplicateEventsNext--;
      return true;
    }
    return false;
  }

  /** Per agreement event: hold it back behind the next one. */
  synchronized boolean reorderEvent() {
    if (reorderEventsNext > 0) {
      reorderEventsNext--;
      return true;
    }
    return false;
  }

  /** Per agreement event: send a malformed message before it. */
  synchronized boolean malformedEvent() {
    if (malformedEventsNext > 0) {
      malformedEventsNext--;
      return true;
    }
    return false;
  }

  private boolean roll(double rate) {
    return rate > 0.0 && random.nextDouble() < rate;
  }
}
