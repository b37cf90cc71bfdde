package dev.hourmeter.client;

import dev.hourmeter.workflows.TaskQueues;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where Temporal is and how to reach it. {@link #resolve} takes flags first, then environment
 * variables, then defaults. {@link #toString()} never prints the API key. Client-side only (see the
 * package documentation).
 *
 * @param address Temporal frontend host:port ({@code --address}, {@code TEMPORAL_ADDRESS})
 * @param namespace Temporal namespace ({@code --namespace}, {@code TEMPORAL_NAMESPACE})
 * @param taskQueue task queue of the metering workflows and activities ({@code --task-queue},
 *     {@code HOURMETER_TASK_QUEUE})
 * @param apiKey Temporal Cloud API key ({@code --api-key}, {@code TEMPORAL_API_KEY}), or null
 * @param tls whether to connect with TLS ({@code --tls}/{@code --no-tls}, {@code TEMPORAL_TLS}; by
 *     default on with an API key or client certificate)
 * @param tlsCert client certificate for mTLS ({@code --tls-cert}, {@code TEMPORAL_TLS_CERT}), or
 *     null
 * @param tlsKey its PKCS#8 private key ({@code --tls-key}, {@code TEMPORAL_TLS_KEY}), or null
 */
public record TemporalConnectionSettings(
    String address,
    String namespace,
    String taskQueue,
    String apiKey,
    boolean tls,
    Path tlsCert,
    Path tlsKey) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";
  public static final String DEFAULT_TASK_QUEUE = TaskQueues.METERING;

  public static final String ENV_ADDRESS = "TEMPORAL_ADDRESS";
  public static final String ENV_NAMESPACE = "TEMPORAL_NAMESPACE";
  public static final String ENV_TASK_QUEUE = "HOURMETER_TASK_QUEUE";
  public static final String ENV_API_KEY = "TEMPORAL_API_KEY";
  public static final String ENV_TLS = "TEMPORAL_TLS";
  public static final String ENV_TLS_CERT = "TEMPORAL_TLS_CERT";
  public static final String ENV_TLS_KEY = "TEMPORAL_TLS_KEY";

  public TemporalConnectionSettings {
    requireNonBlank(address, "--address (" + ENV_ADDRESS + ")");
    requireNonBlank(namespace, "--namespace (" + ENV_NAMESPACE + ")");
    requireNonBlank(taskQueue, "--task-queue (" + ENV_TASK_QUEUE + ")");
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null;
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "--tls-cert and --tls-key ("
              + ENV_TLS_CERT
              + ", "
              + ENV_TLS_KEY
              + ") must be given together");
    }
  }

  /**
   * Resolves flag values (null when the flag was not given) against the environment: a flag wins
   * over its variable, a variable over the default; blank values count as not given. TLS is on by
   * default when there is an API key or a client certificate.
   *
   * @throws IllegalArgumentException naming the flag and variable of a value that is not valid
   */
  public static TemporalConnectionSettings resolve(
      String addressFlag,
      String namespaceFlag,
      String taskQueueFlag,
      String apiKeyFlag,
      Boolean tlsFlag,
      Path tlsCertFlag,
      Path tlsKeyFlag,
      Map<String, String> env) {
    SettingResolver settings = new SettingResolver(env);
    String key = settings.string("--api-key", ENV_API_KEY, apiKeyFlag, null);
    Path cert = settings.path("--tls-cert", ENV_TLS_CERT, text(tlsCertFlag));
    Path certKey = settings.path("--tls-key", ENV_TLS_KEY, text(tlsKeyFlag));
    Boolean tls = settings.optionalBool("--tls", ENV_TLS, tlsFlag);
    return new TemporalConnectionSettings(
        settings.string("--address", ENV_ADDRESS, addressFlag, DEFAULT_ADDRESS),
        settings.string("--namespace", ENV_NAMESPACE, namespaceFlag, DEFAULT_NAMESPACE),
        settings.string("--task-queue", ENV_TASK_QUEUE, taskQueueFlag, DEFAULT_TASK_QUEUE),
        key,
        tls != null ? tls : key != null || cert != null,
        cert,
        certKey);
  }

  /** Plain-text settings of a local server (the in-process dev server): no API key, no TLS. */
  public static TemporalConnectionSettings local(
      String address, String namespace, String taskQueue) {
    return new TemporalConnectionSettings(address, namespace, taskQueue, null, false, null, null);
  }

  @Override
  public String toString() {
    return "address="
        + address
        + " namespace="
        + namespace
        + " taskQueue="
        + taskQueue
        + " apiKey="
        + (apiKey == null ? "none" : "***")
        + " tls="
        + tls
        + (tlsCert == null ? "" : " tlsCert=" + tlsCert);
  }

  private static void requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static String text(Path path) {
    return path == null ? null : path.toString();
  }
}
