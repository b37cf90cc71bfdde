package dev.hourmeter.starter;

import dev.hourmeter.workflows.client.TemporalConnectionSettings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where Temporal is and how to reach it: collects the flags; {@link
 * TemporalConnectionSettings#resolve} applies environment variables and defaults.
 */
public final class ConnectionOptions {

  @Option(
      names = "--address",
      paramLabel = "HOST:PORT",
      description =
          "Temporal frontend (env TEMPORAL_ADDRESS, "
              + "default "
              + TemporalConnectionSettings.DEFAULT_ADDRESS
              + ").")
  String address;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description =
          "Temporal namespace (env TEMPORAL_NAMESPACE, "
              + "default "
              + TemporalConnectionSettings.DEFAULT_NAMESPACE
              + ").")
  String namespace;

  @Option(
      names = "--task-queue",
      paramLabel = "QUEUE",
      description =
          "Task queue of the metering worker "
              + "(env HOURMETER_TASK_QUEUE, default "
              + TemporalConnectionSettings.DEFAULT_TASK_QUEUE
              + ").")
  String taskQueue;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "Temporal Cloud API key (env TEMPORAL_API_KEY); implies TLS.")
  String apiKey;

  @Option(
      names = "--tls",
      negatable = true,
      description =
          "Connect with TLS (env TEMPORAL_TLS=true; on by default with an API key or client certificate).")
  Boolean tls;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Client certificate for mTLS (env TEMPORAL_TLS_CERT); needs --tls-key.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "PKCS#8 private key of the client certificate (env TEMPORAL_TLS_KEY).")
  Path tlsKey;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print stack traces of errors.")
  boolean verbose;

  /** The effective settings: these flags, then {@code env}, then defaults. */
  public TemporalConnectionSettings resolve(Map<String, String> env) {
    return TemporalConnectionSettings.resolve(
        address, namespace, taskQueue, apiKey, tls, tlsCert, tlsKey, env);
  }
}
