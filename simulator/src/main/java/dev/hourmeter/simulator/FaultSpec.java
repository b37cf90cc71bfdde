package dev.hourmeter.simulator;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Faults to inject. Rates are probabilities per request (per record for {@code unprocessedRate});
 * {@code *Next} are deterministic counts consumed by the next N matching requests (records for
 * {@code unprocessedNext}, requests for {@code dropCloudTrailEventsNext}). Throttling, server
 * errors and latency apply to the {@code operations} listed (default BatchMeterUsage only);
 * unprocessed records and dropped CloudTrail events always concern BatchMeterUsage. A dropped
 * CloudTrail event means the call is accepted and billed, but never appears in LookupEvents. {@code
 * emptyEntitlementPagesNext} makes the next N GetEntitlements calls answer with no entitlements but
 * a NextToken for the same position, as the real service may: a client that stops at an empty page
 * loses entitlements.
 *
 * <p>Agreement events (lifecycle messages handed to the {@link AgreementEventSink}): {@code
 * duplicateEventsNext} delivers each of the next N events twice; {@code reorderEventsNext} holds
 * each of the next N events back and delivers it after the event that follows it (or after about a
 * second when none follows); {@code malformedEventsNext} precedes each of the next N events with a
 * malformed message (its body cut in half, not JSON). Whatever the operations.
 */
public record FaultSpec(
    double throttleRate,
    double serverErrorRate,
    double unprocessedRate,
    long latencyMillis,
    int throttleNext,
    int serverErrorNext,
    int unprocessedNext,
    Long seed,
    boolean dropCloudTrailEvents,
    int dropCloudTrailEventsNext,
    int emptyEntitlementPagesNext,
    Set<ApiOperation> operations,
    int duplicateEventsNext,
    int reorderEventsNext,
    int malformedEventsNext) {

  public FaultSpec {
    requireRate("throttleRate", throttleRate);
    requireRate("serverErrorRate", serverErrorRate);
    requireRate("unprocessedRate", unprocessedRate);
    requireNonNegative("latencyMillis", latencyMillis);
    requireNonNegative("throttleNext", throttleNext);
    requireNonNegative("serverErrorNext", serverErrorNext);
    requireNonNegative("unprocessedNext", unprocessedNext);
    requireNonNegative("dropCloudTrailEventsNext", dropCloudTrailEventsNext);
    requireNonNegative("emptyEntitlementPagesNext", emptyEntitlementPagesNext);
    requireNonNegative("duplicateEventsNext", duplicateEventsNext);
    requireNonNegative("reorderEventsNext", reorderEventsNext);
    requireNonNegative("malformedEventsNext", malformedEventsNext);
    Objects.requireNonNull(operations, "operations");
    operations = operations.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(operations));
  }

  /** No faults at all. */
  public static FaultSpec none() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .throttleRate(throttleRate)
        .serverErrorRate(serverErrorRate)
        .unprocessedRate(unprocessedRate)
        .latencyMillis(latencyMillis)
        .throttleNext(throttleNext)
        .serverErrorNext(serverErrorNext)
        .unprocessedNext(unprocessedNext)
        .seed(seed)
        .dropCloudTrailEvents(dropCloudTrailEvents)
        .dropCloudTrailEventsNext(dropCloudTrailEventsNext)
        .emptyEntitlementPagesNext(emptyEntitlementPagesNext)
        .operations(operations)
        .duplicateEventsNext(duplicateEventsNext)
        .reorderEventsNext(reorderEventsNext)
        .malformedEventsNext(malformedEventsNext);
  }

  public boolean appliesTo(ApiOperation operation) {
    return operations.contains(operation);
  }

  private static void requireRate(String name, double value) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException(name + " must be between 0.0 and 1.0: " + value);
    }
  }

  private static void requireNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0: " + value);
    }
  }

  public static final class Builder {
    private double throttleRate;
    private double serverErrorRate;
    private double unprocessedRate;
    private long latencyMillis;
    private int throttleNext;
    private int serverErrorNext;
    private int unprocessedNext;
    private Long seed;
    private boolean dropCloudTrailEvents;
    private int dropCloudTrailEventsNext;
    private int emptyEntitlementPagesNext;
    private Set<ApiOperation> operations = Set.of(ApiOperation.BATCH_METER_USAGE);
    private int duplicateEventsNext;
    private int reorderEventsNext;
    private int malformedEventsNext;

    private Builder() {}

    public Builder throttleRate(double value) {
      this.throttleRate = value;
      return this;
    }

    public Builder serverErrorRate(double value) {
      this.serverErrorRate = value;
      return this;
    }

    public Builder unprocessedRate(double value) {
      this.unprocessedRate = value;
      return this;
    }

    public Builder latencyMillis(long value) {
      this.latencyMillis = value;
      return this;
    }

    public Builder throttleNext(int value) {
      this.throttleNext = value;
      return this;
    }

    public Builder serverErrorNext(int value) {
      this.serverErrorNext = value;
      return this;
    }

    public Builder unprocessedNext(int value) {
      this.unprocessedNext = value;
      return this;
    }

    public Builder seed(Long value) {
      this.seed = value;
      return this;
    }

    public Builder dropCloudTrailEvents(boolean value) {
      this.dropCloudTrailEvents = value;
      return this;
    }

    public Builder dropCloudTrailEventsNext(int value) {
      this.dropCloudTrailEventsNext = value;
      return this;
    }

    public Builder emptyEntitlementPagesNext(int value) {
      this.emptyEntitlementPagesNext = value;
      return this;
    }

    public Builder operations(Set<ApiOperation> value) {
      this.operations = Set.copyOf(value);
      return this;
    }

    public Builder operations(ApiOperation... value) {
      return operations(Set.of(value));
    }

    public Builder duplicateEventsNext(int value) {
      this.duplicateEventsNext = value;
      return this;
    }

    public Builder reorderEventsNext(int value) {
      this.reorderEventsNext = value;
      return this;
    }

    public Builder malformedEventsNext(int value) {
      this.malformedEventsNext = value;
      return this;
    }

    public FaultSpec build() {
      return new FaultSpec(
          throttleRate,
          serverErrorRate,
          unprocessedRate,
          latencyMillis,
          throttleNext,
          serverErrorNext,
          unprocessedNext,
          seed,
          dropCloudTrailEvents,
          dropCloudTrailEventsNext,
          emptyEntitlementPagesNext,
          operations,
          duplicateEventsNext,
          reorderEventsNext,
          malformedEventsNext);
    }
  }
}
