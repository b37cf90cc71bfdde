package dev.hourmeter.activities;

import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.verification.CloudTrailReceiptIndex;
import java.util.List;
import java.util.Objects;

/** The activity implementations a worker registers. */
public final class HourmeterActivities {

  private HourmeterActivities() {}

  /**
   * {@link UsageCollectionActivitiesImpl}, {@link EntitlementActivitiesImpl},
   * {@link MeteringSubmissionActivitiesImpl} and {@link ReceiptVerificationActivitiesImpl} (over a new
   * {@link CloudTrailReceiptIndex} with default settings on the system clock), for
   * {@code worker.registerActivitiesImplementations(...)}. Call once per worker: the index is the worker's
   * single CloudTrail reader and rate limiter.
   */
  public static List<Object> all(MarketplaceGateway gateway, UsageSource usageSource) {
    Objects.requireNonNull(gateway, "gateway");
    return all(gateway, usageSource, new CloudTrailReceiptIndex(gateway));
  }

  /** As {@link #all(MarketplaceGateway, UsageSource)}, with the worker's own (configured) receipt index. */
  public static List<Object> all(MarketplaceGateway gateway, UsageSource usageSource, CloudTrailReceiptIndex index) {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(usageSource, "usageSource");
    Objects.requireNonNull(index, "index");
    return List.of(
        new UsageCollectionActivitiesImpl(usageSource),
        new EntitlementActivitiesImpl(gateway),
        new MeteringSubmissionActivitiesImpl(gateway),
        new ReceiptVerificationActivitiesImpl(index));
  }
}
