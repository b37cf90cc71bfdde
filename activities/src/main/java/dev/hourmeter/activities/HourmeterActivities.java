package dev.hourmeter.activities;

import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.batching.MeteringBatcher;
import dev.hourmeter.activities.batching.RecordSender;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.verification.CloudTrailReceiptIndex;
import io.micrometer.core.instrument.Metrics;
import java.util.List;
import java.util.Objects;

/** The activity implementations a worker registers. */
public final class HourmeterActivities {

  private HourmeterActivities() {}

  /**
   * {@link UsageCollectionActivitiesImpl}, {@link EntitlementActivitiesImpl}, {@link
   * MeteringSubmissionActivitiesImpl} and {@link ReceiptVerificationActivitiesImpl} (over a new
   * {@link CloudTrailReceiptIndex} with default settings on the system clock), for {@code
   * worker.registerActivitiesImplementations(...)}. Call once per worker: the index is the worker's
   * single CloudTrail reader and rate limiter. Batching is on ({@link
   * SubmissionSettings#defaults()}: linger 1 s, 10 BatchMeterUsage calls/s) with a new {@link
   * MeteringBatcher} on daemon threads and {@link Metrics#globalRegistry}; to configure or close
   * it, use {@link #all(MarketplaceGateway, UsageSource, CloudTrailReceiptIndex, RecordSender)}.
   */
  public static List<Object> all(MarketplaceGateway gateway, UsageSource usageSource) {
    Objects.requireNonNull(gateway, "gateway");
    return all(gateway, usageSource, new CloudTrailReceiptIndex(gateway));
  }

  /**
   * As {@link #all(MarketplaceGateway, UsageSource)}, with the worker's own (configured) receipt
   * index.
   */
  public static List<Object> all(
      MarketplaceGateway gateway, UsageSource usageSource, CloudTrailReceiptIndex index) {
    Objects.requireNonNull(gateway, "gateway");
    return all(
        gateway,
        usageSource,
        index,
        SubmissionSettings.defaults().newSender(gateway, Metrics.globalRegistry));
  }

  /**
   * As {@link #all(MarketplaceGateway, UsageSource, CloudTrailReceiptIndex)}, submitting through
   * the worker's single {@code sender} (see {@link SubmissionSettings#newSender}: a {@link
   * MeteringBatcher}, or a {@link dev.hourmeter.activities.batching.DirectRecordSender} when
   * batching is off). The caller owns the sender and closes it after the worker has shut down.
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
        new EntitlementActivitiesImpl(gateway.entitlements()),
        new MeteringSubmissionActivitiesImpl(sender),
        new ReceiptVerificationActivitiesImpl(index));
  }
}
