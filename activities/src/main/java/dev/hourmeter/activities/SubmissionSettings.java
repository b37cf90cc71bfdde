package dev.hourmeter.activities;

import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.batching.DirectRecordSender;
import dev.hourmeter.activities.batching.MeteringBatcher;
import dev.hourmeter.activities.batching.MeteringRateLimiter;
import dev.hourmeter.activities.batching.RecordSender;
import dev.hourmeter.activities.quota.RateSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * How SubmitUsageRecords sends records. {@code batching}: records of concurrent activities share
 * BatchMeterUsage calls through one {@link MeteringBatcher} per worker (off = one activity's
 * records per call, the baseline). {@code linger}: how long the oldest queued record waits for its
 * batch to fill. {@code meteringTps}: BatchMeterUsage calls per second for this worker, fixed, or
 * the cap of its share of the account's 10 when the sender is given a {@link RateSource} (the
 * worker's {@link dev.hourmeter.activities.quota.SharedQuota}).
 */
public record SubmissionSettings(boolean batching, Duration linger, double meteringTps) {

  public SubmissionSettings {
    Objects.requireNonNull(linger, "linger");
    if (linger.isNegative()) {
      throw new IllegalArgumentException("linger must be >= 0: " + linger);
    }
    if (!(meteringTps > 0) || Double.isInfinite(meteringTps)) {
      throw new IllegalArgumentException("meteringTps must be positive: " + meteringTps);
    }
  }

  /** Batching on, linger 1 s, 10 calls/s. */
  public static SubmissionSettings defaults() {
    return new SubmissionSettings(
        true, MeteringBatcher.DEFAULT_LINGER, MeteringRateLimiter.AWS_QUOTA_PER_SECOND);
  }

  /** Batching off (the baseline: one activity's records per call, no worker-wide rate limit). */
  public static SubmissionSettings off() {
    return new SubmissionSettings(
        false, MeteringBatcher.DEFAULT_LINGER, MeteringRateLimiter.AWS_QUOTA_PER_SECOND);
  }

  /**
   * The worker's record sender for these settings: a new {@link MeteringBatcher} when batching is
   * on, a {@link DirectRecordSender} when it is off. The caller closes it at shutdown (after the
   * worker, before the gateway).
   */
  public RecordSender newSender(MarketplaceGateway gateway, MeterRegistry registry) {
    return newSender(gateway, registry, RateSource.fixed(meteringTps));
  }

  /**
   * As {@link #newSender(MarketplaceGateway, MeterRegistry)}, the batcher pacing its calls at the
   * rate {@code meteringRate} gives at each call (batching off: no worker-wide limit, as before).
   */
  public RecordSender newSender(
      MarketplaceGateway gateway, MeterRegistry registry, RateSource meteringRate) {
    if (!batching) {
      return new DirectRecordSender(gateway.metering());
    }
    return MeteringBatcher.builder(gateway)
        .linger(linger)
        .rateLimiter(new MeteringRateLimiter(meteringRate))
        .registry(registry)
        .build();
  }
}
