package dev.hourmeter.activities;

import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.usage.UsageSource;
import java.util.List;
import java.util.Objects;

/** The activity implementations a worker registers. */
public final class HourmeterActivities {

  private HourmeterActivities() {}

  /**
   * {@link UsageCollectionActivitiesImpl}, {@link EntitlementActivitiesImpl} and
   * {@link MeteringSubmissionActivitiesImpl}, for {@code worker.registerActivitiesImplementations(...)}.
   */
  public static List<Object> all(MarketplaceGateway gateway, UsageSource usageSource) {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(usageSource, "usageSource");
    return List.of(
        new UsageCollectionActivitiesImpl(usageSource),
        new EntitlementActivitiesImpl(gateway),
        new MeteringSubmissionActivitiesImpl(gateway));
  }
}
