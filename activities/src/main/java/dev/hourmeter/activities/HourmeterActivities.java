package dev.hourmeter.activities;

import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.batching.MeteringBatcher;
import dev.hourmeter.activities.batching.RecordSender;
import dev.hourmeter.activities.entitlements.EntitlementBatcher;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.verification.CloudTrailReceiptIndex;
import java.util.List;
import java.util.Objects;

/** The activity implementations a worker registers. */
public final class HourmeterActivities {

  private HourmeterActivities() {}

  /**
   * {@link UsageCollectionActivitiesImpl}, {@link EntitlementActivitiesImpl}, {@link
   * MeteringSubmissionActivitiesImpl} and {@link ReceiptVerificationActivitiesImpl}, for {@code
   * worker.registerActivitiesImplementations(...)}. Call once per worker: {@code index} is the
   * worker's single CloudTrail reader and rate limiter, and {@code sender} its single way to AWS
   * (see {@link SubmissionSettings#newSender}: a {@link MeteringBatcher}, or a {@link
   * dev.hourmeter.activities.batching.DirectRecordSender} when batching is off). The caller owns
   * the sender and closes it after the worker has shut down. Entitlement checks share
   * GetEntitlements calls through one {@link EntitlementBatcher}.
   */
  public static List<Object> all(
      MarketplaceGateway gateway,
      UsageSource usageSource,
      CloudTrailReceiptIndex index,
      RecordSender sender) {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(usageSource, "usageSource");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(sender, "sender");
    return List.of(
        new UsageCollectionActivitiesImpl(usageSource),
        new EntitlementActivitiesImpl(new EntitlementBatcher(gateway.entitlements())),
        new MeteringSubmissionActivitiesImpl(sender),
        new ReceiptVerificationActivitiesImpl(index));
  }
}
