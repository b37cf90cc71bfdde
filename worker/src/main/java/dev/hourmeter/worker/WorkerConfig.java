package dev.hourmeter.worker;

import dev.hourmeter.activities.aws.AwsSettings;
import dev.hourmeter.workflows.TaskQueues;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the worker process needs, from flags first, then environment variables, then defaults.
 * {@link #toString()} masks the API key.
 *
 * @param address Temporal frontend host:port ({@code TEMPORAL_ADDRESS})
 * @param namespace Temporal namespace ({@code TEMPORAL_NAMESPACE})
 * @param taskQueue task queue of workflows and activities ({@code HOURMETER_TASK_QUEUE})
 * @param usageSource where pulled usage comes from: {@code none} or {@code file:/path/usage.jsonl}
 *     ({@code HOURMETER_USAGE_SOURCE})
 * @param apiKey Temporal Cloud API key ({@code TEMPORAL_API_KEY}), or null
 * @param tls whether to connect with TLS ({@code TEMPORAL_TLS}; implied by an API key or client certificate)
 * @param tlsCert client certificate for mTLS ({@code TEMPORAL_TLS_CERT}), or null
 * @param tlsKey its PKCS#8 key ({@code TEMPORAL_TLS_KEY}), or null
 * @param aws AWS region, endpoints and credentials source
 * @param metricsPort port of the Prometheus {@code /metrics} endpoint ({@code HOURMETER_METRICS_PORT}); 0 = off
 * @param virtualThreads run workflow and activity tasks on virtual threads ({@code HOURMETER_VIRTUAL_THREADS})
 */
public record WorkerConfig(
    String address,
    String namespace,
    String taskQueue,
    String usageSource,
    String apiKey,
    boolean tls,
    Path tlsCert,
    Path tlsKey,
    AwsSettings aws,
    int metricsPort,
    boolean virtualThreads) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";
  public static final String DEFAULT_USAGE_SOURCE = "none";

  public WorkerConfig {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "--tls-cert and --tls-key (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY) must be given together");
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("--metrics-port (HOURMETER_METRICS_PORT) must be 0..65535, got " + metricsPort);
    }
  }

  /** Resolves flags (null when not given) against the environment. */
  public static WorkerConfig resolve(TemporalOptions flags, String usageSourceFlag, Integer metricsPortFlag,
      Boolean virtualThreadsFlag, Map<String, String> env) {
    String key = firstNonBlank(flags.apiKey, env.get("TEMPORAL_API_KEY"));
    Path cert = flags.tlsCert != null ? flags.tlsCert : path(env.get("TEMPORAL_TLS_CERT"));
    Path certKey = flags.tlsKey != null ? flags.tlsKey : path(env.get("TEMPORAL_TLS_KEY"));
    boolean tls = flags.tls != null ? flags.tls
        : env.containsKey("TEMPORAL_TLS") ? Boolean.parseBoolean(env.get("TEMPORAL_TLS"))
        : key != null || cert != null;
    int metricsPort = metricsPortFlag != null ? metricsPortFlag
        : parsePort(env.get("HOURMETER_METRICS_PORT"), "HOURMETER_METRICS_PORT");
    boolean virtualThreads = virtualThreadsFlag != null ? virtualThreadsFlag
        : Boolean.parseBoolean(env.getOrDefault("HOURMETER_VIRTUAL_THREADS", "false"));
    return new WorkerConfig(
        firstNonBlank(flags.address, env.get("TEMPORAL_ADDRESS"), DEFAULT_ADDRESS),
        firstNonBlank(flags.namespace, env.get("TEMPORAL_NAMESPACE"), DEFAULT_NAMESPACE),
        firstNonBlank(flags.taskQueue, env.get("HOURMETER_TASK_QUEUE"), TaskQueues.METERING),
        firstNonBlank(usageSourceFlag, env.get("HOURMETER_USAGE_SOURCE"), DEFAULT_USAGE_SOURCE),
        key, tls, cert, certKey,
        AwsSettings.fromEnvironment(env),
        metricsPort, virtualThreads);
  }

  public WorkerConfig withAws(AwsSettings newAws) {
    return new WorkerConfig(address, namespace, taskQueue, usageSource, apiKey, tls, tlsCert, tlsKey, newAws,
        metricsPort, virtualThreads);
  }

  @Override
  public String toString() {
    return "address=" + address + " namespace=" + namespace + " taskQueue=" + taskQueue
        + " usageSource=" + usageSource + " apiKey=" + (apiKey == null ? "none" : "***") + " tls=" + tls
        + (tlsCert == null ? "" : " tlsCert=" + tlsCert) + " awsRegion=" + aws.region()
        + " awsCredentials=" + aws.credentials()
        + (aws.meteringEndpoint() == null ? "" : " meteringEndpoint=" + aws.meteringEndpoint())
        + (aws.entitlementEndpoint() == null ? "" : " entitlementEndpoint=" + aws.entitlementEndpoint())
        + (aws.cloudTrailEndpoint() == null ? "" : " cloudTrailEndpoint=" + aws.cloudTrailEndpoint())
        + " metricsPort=" + (metricsPort == 0 ? "off" : metricsPort) + " virtualThreads=" + virtualThreads;
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

  private static Path path(String value) {
    return value == null || value.isBlank() ? null : Path.of(value.trim());
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
