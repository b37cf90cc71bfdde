package dev.hourmeter.worker;

import dev.hourmeter.activities.aws.AwsSettings;
import dev.hourmeter.workflows.client.TemporalConnectionSettings;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the worker process needs, from flags first, then environment variables, then defaults.
 * {@link #toString()} masks the API key.
 *
 * @param temporal where Temporal is and how to reach it, task queue included (see {@link
 *     TemporalConnectionSettings})
 * @param usageSource where pulled usage comes from: {@code none} or {@code file:/path/usage.jsonl}
 *     ({@code HOURMETER_USAGE_SOURCE})
 * @param aws AWS region, endpoints and credentials source
 * @param metricsPort port of the Prometheus {@code /metrics} endpoint ({@code
 *     HOURMETER_METRICS_PORT}); 0 = off
 * @param virtualThreads run workflow and activity tasks on virtual threads ({@code
 *     HOURMETER_VIRTUAL_THREADS})
 */
public record WorkerConfig(
    TemporalConnectionSettings temporal,
    String usageSource,
    AwsSettings aws,
    int metricsPort,
    boolean virtualThreads) {

  public static final String DEFAULT_USAGE_SOURCE = "none";

  public WorkerConfig {
    Objects.requireNonNull(temporal, "temporal");
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException(
          "--metrics-port (HOURMETER_METRICS_PORT) must be 0..65535, got " + metricsPort);
    }
  }

  /** Resolves the worker's own flags (null when not given) against the environment. */
  public static WorkerConfig resolve(
      TemporalConnectionSettings temporal,
      String usageSourceFlag,
      Integer metricsPortFlag,
      Boolean virtualThreadsFlag,
      Map<String, String> env) {
    int metricsPort =
        metricsPortFlag != null
            ? metricsPortFlag
            : parsePort(env.get("HOURMETER_METRICS_PORT"), "HOURMETER_METRICS_PORT");
    boolean virtualThreads =
        virtualThreadsFlag != null
            ? virtualThreadsFlag
            : Boolean.parseBoolean(env.getOrDefault("HOURMETER_VIRTUAL_THREADS", "false"));
    return new WorkerConfig(
        temporal,
        firstNonBlank(usageSourceFlag, env.get("HOURMETER_USAGE_SOURCE"), DEFAULT_USAGE_SOURCE),
        AwsSettings.fromEnvironment(env),
        metricsPort,
        virtualThreads);
  }

  public String taskQueue() {
    return temporal.taskQueue();
  }

  public WorkerConfig withAws(AwsSettings newAws) {
    return new WorkerConfig(temporal, usageSource, newAws, metricsPort, virtualThreads);
  }

  @Override
  public String toString() {
    return temporal
        + " usageSource="
        + usageSource
        + " awsRegion="
        + aws.region()
        + " awsCredentials="
        + aws.credentials()
        + (aws.meteringEndpoint() == null ? "" : " meteringEndpoint=" + aws.meteringEndpoint())
        + (aws.entitlementEndpoint() == null
            ? ""
            : " entitlementEndpoint=" + aws.entitlementEndpoint())
        + (aws.cloudTrailEndpoint() == null
            ? ""
            : " cloudTrailEndpoint=" + aws.cloudTrailEndpoint())
        + " metricsPort="
        + (metricsPort == 0 ? "off" : metricsPort)
        + " virtualThreads="
        + virtualThreads;
  }

  private static int parsePort(String value, String name) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number, got '" + value + "'");
    }
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return null;
  }
}
