package dev.hourmeter.worker.settings;

import dev.hourmeter.client.SettingResolver;
import picocli.CommandLine.Option;

/** Fleet sharing flags of {@code worker} (a picocli mixin); {@link #resolve} applies defaults. */
public final class FleetOptions {

  public static final String ENV_FLEET_SHARING = "HOURMETER_FLEET_SHARING";
  public static final String ENV_FLEET_REFRESH = "HOURMETER_FLEET_REFRESH";

  @Option(
      names = "--fleet-sharing",
      negatable = true,
      description =
          "Share AWS's per-account quotas (BatchMeterUsage 10/s, LookupEvents 2/s) with the other"
              + " live workers of the task queue, counted through Temporal (env "
              + ENV_FLEET_SHARING
              + "=true|false, default on; off: --metering-tps and --cloudtrail-tps alone).")
  Boolean sharing;

  @Option(
      names = "--fleet-refresh",
      paramLabel = "DURATION",
      description =
          "How often the worker counts the live workers (env "
              + ENV_FLEET_REFRESH
              + ", default PT10S, at least PT1S; give every worker the same).")
  String refresh;

  public FleetSharing resolve(SettingResolver settings) {
    return new FleetSharing(
        settings.bool("--fleet-sharing", ENV_FLEET_SHARING, sharing, true),
        settings.duration(
            "--fleet-refresh",
            ENV_FLEET_REFRESH,
            refresh,
            FleetSharing.DEFAULT_REFRESH,
            FleetSharing.MIN_REFRESH));
  }
}
