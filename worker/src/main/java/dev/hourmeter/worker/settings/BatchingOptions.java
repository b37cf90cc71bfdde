package dev.hourmeter.worker.settings;

import dev.hourmeter.client.SettingResolver;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Submission flags of {@code worker}, {@code dev} and {@code bench} (a picocli mixin); {@link
 * #resolve} applies variables and defaults.
 */
public final class BatchingOptions {

  public static final String ENV_BATCHING = "HOURMETER_BATCHING";
  public static final String ENV_LINGER = "HOURMETER_LINGER";
  public static final String ENV_METERING_TPS = "HOURMETER_METERING_TPS";

  @Option(
      names = "--batching",
      negatable = true,
      description =
          "Share BatchMeterUsage calls (up to 25 records) across customers of a product (env "
              + ENV_BATCHING
              + "=true|false, default on; --no-batching is one activity's records per call).")
  Boolean batching;

  @Option(
      names = "--linger",
      paramLabel = "DURATION",
      description =
          "How long a record waits for its shared batch to fill (env "
              + ENV_LINGER
              + ", default PT1S; PT0S sends at once).")
  String linger;

  @Option(
      names = "--metering-tps",
      paramLabel = "N",
      description =
          "BatchMeterUsage calls per second for this worker (env "
              + ENV_METERING_TPS
              + ", default 10, AWS's quota per account and region: with several workers give each "
              + "10 / number of workers).")
  String meteringTps;

  /** The effective settings: these flags, then the environment, then defaults. */
  public Batching resolve(SettingResolver settings) {
    return new Batching(
        settings.bool("--batching", ENV_BATCHING, batching, true),
        settings.duration("--linger", ENV_LINGER, linger, Batching.DEFAULT_LINGER, Duration.ZERO),
        settings.positive(
            "--metering-tps", ENV_METERING_TPS, meteringTps, Batching.DEFAULT_METERING_TPS));
  }
}
