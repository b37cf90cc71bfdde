package dev.hourmeter.activities.verification;

import dev.hourmeter.activities.aws.CloudTrailService;
import dev.hourmeter.activities.quota.RateSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Knobs of a {@link CloudTrailReceiptIndex}, all optional. */
public final class CloudTrailReceiptIndexBuilder {
  final CloudTrailReceiptIndex.PageSource source;
  Clock clock = Clock.systemUTC();
  RateSource lookupRate = RateSource.fixed(2.0);
  Duration minRefreshInterval = Duration.ofSeconds(60);
  Duration overlap = Duration.ofMinutes(15);
  Duration sentAtSlack = Duration.ofMinutes(5);
  Duration retention = Duration.ofHours(12);
  int pageSize = CloudTrailService.MAX_PAGE_SIZE;
  int maxThrottleRetries = 6;
  Duration initialBackoff = Duration.ofSeconds(1);
  Duration maxBackoff = Duration.ofSeconds(16);

  CloudTrailReceiptIndexBuilder(CloudTrailReceiptIndex.PageSource source) {
    this.source = source;
  }

  /**
   * The index's "now" (refresh interval, retention, default start); give it AWS's / the simulator's
   * clock.
   */
  public CloudTrailReceiptIndexBuilder clock(Clock value) {
    this.clock = Objects.requireNonNull(value, "clock");
    return this;
  }

  /** LookupEvents calls per second for this worker, fixed (default 2, AWS's quota). */
  public CloudTrailReceiptIndexBuilder lookupsPerSecond(double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException("lookupsPerSecond must be positive: " + value);
    }
    this.lookupRate = RateSource.fixed(value);
    return this;
  }

  /**
   * LookupEvents calls per second as {@code rate} gives them at each call: the worker's share of
   * the account's quota ({@link dev.hourmeter.activities.quota.SharedQuota}).
   */
  public CloudTrailReceiptIndexBuilder lookupRate(RateSource rate) {
    this.lookupRate = Objects.requireNonNull(rate, "rate");
    return this;
  }

  public CloudTrailReceiptIndexBuilder minRefreshInterval(Duration value) {
    this.minRefreshInterval = nonNegative(value, "minRefreshInterval");
    return this;
  }

  /**
   * How far before the high-water event time a refresh starts: the longest delivery delay expected.
   */
  public CloudTrailReceiptIndexBuilder overlap(Duration value) {
    this.overlap = nonNegative(value, "overlap");
    return this;
  }

  /**
   * How far before the oldest requested sentAt a refresh may start (event time precedes sentAt).
   */
  public CloudTrailReceiptIndexBuilder sentAtSlack(Duration value) {
    this.sentAtSlack = nonNegative(value, "sentAtSlack");
    return this;
  }

  public CloudTrailReceiptIndexBuilder retention(Duration value) {
    this.retention = nonNegative(value, "retention");
    return this;
  }

  /** LookupEvents MaxResults, 1..50 (default 50). */
  public CloudTrailReceiptIndexBuilder pageSize(int value) {
    if (value < 1 || value > CloudTrailService.MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("pageSize must be 1.." + CloudTrailService.MAX_PAGE_SIZE);
    }
    this.pageSize = value;
    return this;
  }

  public CloudTrailReceiptIndexBuilder maxThrottleRetries(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("maxThrottleRetries must be >= 0");
    }
    this.maxThrottleRetries = value;
    return this;
  }

  public CloudTrailReceiptIndexBuilder throttleBackoff(Duration initial, Duration max) {
    this.initialBackoff = nonNegative(initial, "initial backoff");
    this.maxBackoff = nonNegative(max, "max backoff");
    return this;
  }

  public CloudTrailReceiptIndex build() {
    return new CloudTrailReceiptIndex(this);
  }

  private static Duration nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative");
    }
    return d;
  }
}
