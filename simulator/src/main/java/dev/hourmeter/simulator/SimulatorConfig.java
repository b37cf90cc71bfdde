package dev.hourmeter.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Immutable simulator settings.
 *
 * @param host address to bind (default 127.0.0.1)
 * @param port port to bind, 0 for an ephemeral port
 * @param period AWS's "hour": the dedup granularity
 * @param window how far back a record's timestamp may lie: a record {@code window} or more before
 *     now is rejected (AWS: 24 hours since 2026-07, 6 hours before). Records of a calendar month
 *     are also rejected from 06:00 UTC on the 1st of the next month (see {@link MonthEndCutoff})
 * @param futureSkew tolerated clock skew for future timestamps (capped to one period)
 * @param cloudTrailDelay delay before a CloudTrail event becomes visible to LookupEvents
 * @param autoSubscribe every customer is subscribed to every product and dimension
 * @param meteringTps BatchMeterUsage requests per second (real time) before ThrottlingException; 0
 *     = unlimited
 * @param lookupTps LookupEvents requests per second (real time) before ThrottlingException; 0 =
 *     unlimited
 * @param region region reported in CloudTrail events
 * @param accountId seller account id reported in CloudTrail events
 */
public record SimulatorConfig(
    String host,
    int port,
    Duration period,
    Duration window,
    Duration futureSkew,
    Duration cloudTrailDelay,
    boolean autoSubscribe,
    int meteringTps,
    int lookupTps,
    String region,
    String accountId) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 4599;
  public static final Duration DEFAULT_PERIOD = Duration.ofHours(1);

  /** AWS's window in AWS hours: the default window is this many periods. */
  public static final int DEFAULT_WINDOW_PERIODS = 24;

  /** The default window at the default PT1H period. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

  public static final Duration DEFAULT_FUTURE_SKEW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_CLOUDTRAIL_DELAY = Duration.ofMinutes(5);
  public static final int DEFAULT_METERING_TPS = 10;
  public static final int DEFAULT_LOOKUP_TPS = 2;
  public static final String DEFAULT_REGION = "us-east-1";
  public static final String DEFAULT_ACCOUNT_ID = "123456789012";

  private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

  public SimulatorConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(futureSkew, "futureSkew");
    Objects.requireNonNull(cloudTrailDelay, "cloudTrailDelay");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(accountId, "accountId");
    require(port >= 0 && port <= 65535, "port must be 0..65535: " + port);
    require(period.toMillis() > 0, "period must be positive (at least 1ms): " + period);
    require(!window.isNegative(), "window must not be negative: " + window);
    require(!futureSkew.isNegative(), "futureSkew must not be negative: " + futureSkew);
    require(
        !cloudTrailDelay.isNegative(), "cloudTrailDelay must not be negative: " + cloudTrailDelay);
    require(meteringTps >= 0, "meteringTps must be >= 0: " + meteringTps);
    require(lookupTps >= 0, "lookupTps must be >= 0: " + lookupTps);
    require(ACCOUNT_ID.matcher(accountId).matches(), "accountId must be 12 digits: " + accountId);
  }

  /**
   * The CloudTrail delay used when none is configured: PT5M, scaled down when the period is shorter
   * than an hour.
   */
  public static Duration defaultCloudTrailDelay(Duration period) {
    if (period.compareTo(Duration.ofHours(1)) >= 0) {
      return DEFAULT_CLOUDTRAIL_DELAY;
    }
    long millis =
        Math.multiplyExact(DEFAULT_CLOUDTRAIL_DELAY.toMillis(), period.toMillis())
            / Duration.ofHours(1).toMillis();
    return Duration.ofMillis(millis);
  }

  /** The default window for a period: 24 periods (24 AWS hours). */
  public static Duration defaultWindow(Duration period) {
    return period.multipliedBy(DEFAULT_WINDOW_PERIODS);
  }

  /** The window in whole periods (rounded down), as the {@code --window-periods} flag counts it. */
  public int windowPeriods() {
    return (int) Math.min(Integer.MAX_VALUE, window.toMillis() / period.toMillis());
  }

  /** Future skew actually applied: never more than one period. */
  public Duration effectiveFutureSkew() {
    return futureSkew.compareTo(period) > 0 ? period : futureSkew;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
