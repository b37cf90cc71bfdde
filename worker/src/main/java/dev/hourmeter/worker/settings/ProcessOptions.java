package dev.hourmeter.worker.settings;

import dev.hourmeter.client.SettingResolver;
import picocli.CommandLine.Option;

/**
 * Flags of the worker process in {@code worker} and {@code dev} (a picocli mixin): pulled usage,
 * virtual threads and the metrics endpoint.
 */
public final class ProcessOptions {

  public static final String ENV_USAGE_SOURCE = "HOURMETER_USAGE_SOURCE";
  public static final String ENV_VIRTUAL_THREADS = "HOURMETER_VIRTUAL_THREADS";
  public static final String ENV_METRICS_PORT = "HOURMETER_METRICS_PORT";

  @Option(
      names = "--usage-source",
      paramLabel = "SPEC",
      description =
          "Pulled usage: none, file:/path/usage.jsonl or"
              + " jdbc:postgresql://host/db?user=U#table=usage_events (env "
              + ENV_USAGE_SOURCE
              + ", default none).")
  String usageSource;

  @Option(
      names = "--virtual-threads",
      negatable = true,
      description =
          "Run workflow and activity tasks on virtual threads (env "
              + ENV_VIRTUAL_THREADS
              + "=true|false, default off).")
  Boolean virtualThreads;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics on http://0.0.0.0:PORT/metrics (env "
              + ENV_METRICS_PORT
              + ", default 0 = off).")
  String metricsPort;

  /** The worker's settings from these flags, the environment and the other concerns' settings. */
  public WorkerSettings resolve(SettingResolver settings, AwsEndpoints aws, Batching batching) {
    return new WorkerSettings(
        aws,
        batching,
        settings.string(
            "--usage-source", ENV_USAGE_SOURCE, usageSource, WorkerSettings.DEFAULT_USAGE_SOURCE),
        settings.bool("--virtual-threads", ENV_VIRTUAL_THREADS, virtualThreads, false),
        WorkerCapacity.defaults());
  }

  /** The metrics port, 0 = off. */
  public int metricsPort(SettingResolver settings) {
    return settings.integer("--metrics-port", ENV_METRICS_PORT, metricsPort, 0, 0, 65535);
  }
}
