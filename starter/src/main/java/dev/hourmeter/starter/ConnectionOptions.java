package dev.hourmeter.starter;

import dev.hourmeter.workflows.TaskQueues;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where Temporal is and how to reach it: flags first, then environment variables, then defaults. */
public final class ConnectionOptions {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "Temporal frontend (env TEMPORAL_ADDRESS, default " + DEFAULT_ADDRESS + ").")
  String address;

  @Option(names = "--namespace", paramLabel = "NS",
      description = "Temporal namespace (env TEMPORAL_NAMESPACE, default " + DEFAULT_NAMESPACE + ").")
  String namespace;

  @Option(names = "--task-queue", paramLabel = "QUEUE",
      description = "Task queue of the metering worker (env HOURMETER_TASK_QUEUE, default " + TaskQueues.METERING + ").")
  String taskQueue;

  @Option(names = "--api-key", paramLabel = "KEY",
      description = "Temporal Cloud API key (env TEMPORAL_API_KEY); implies TLS.")
  String apiKey;

  @Option(names = "--tls", negatable = true,
      description = "Connect with TLS (env TEMPORAL_TLS=true; on by default with an API key or client certificate).")
  Boolean tls;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Client certificate for mTLS (env TEMPORAL_TLS_CERT); needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM",
      description = "PKCS#8 private key of the client certificate (env TEMPORAL_TLS_KEY).")
  Path tlsKey;

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
  boolean verbose;

  /** The effective settings. */
  public record Settings(String address, String namespace, String taskQueue, String apiKey, boolean tls,
      Path tlsCert, Path tlsKey) {

    @Override
    public String toString() {
      return "address=" + address + " namespace=" + namespace + " taskQueue=" + taskQueue
          + " apiKey=" + (apiKey == null ? "none" : "***") + " tls=" + tls
          + (tlsCert == null ? "" : " tlsCert=" + tlsCert);
    }
  }

  public Settings resolve(Map<String, String> env) {
    String key = firstNonBlank(apiKey, env.get("TEMPORAL_API_KEY"));
    Path cert = tlsCert != null ? tlsCert : pathOrNull(env.get("TEMPORAL_TLS_CERT"));
    Path certKey = tlsKey != null ? tlsKey : pathOrNull(env.get("TEMPORAL_TLS_KEY"));
    if ((cert == null) != (certKey == null)) {
      throw CliException.badInput("--tls-cert and --tls-key (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY) go together");
    }
    boolean useTls = tls != null ? tls
        : env.containsKey("TEMPORAL_TLS") ? Boolean.parseBoolean(env.get("TEMPORAL_TLS"))
        : key != null || cert != null;
    return new Settings(
        firstNonBlank(address, env.get("TEMPORAL_ADDRESS"), DEFAULT_ADDRESS),
        firstNonBlank(namespace, env.get("TEMPORAL_NAMESPACE"), DEFAULT_NAMESPACE),
        firstNonBlank(taskQueue, env.get("HOURMETER_TASK_QUEUE"), TaskQueues.METERING),
        key, useTls, cert, certKey);
  }

  private static Path pathOrNull(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
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
