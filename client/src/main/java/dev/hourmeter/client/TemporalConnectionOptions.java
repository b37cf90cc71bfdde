package dev.hourmeter.client;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Temporal connection flags of every command that connects ({@code worker} and the client
 * commands), as a picocli mixin. Only collects the flags: {@link
 * TemporalConnectionSettings#resolve} applies environment variables and defaults.
 */
public final class TemporalConnectionOptions {

  @Option(
      names = "--address",
      paramLabel = "HOST:PORT",
      description =
          "Temporal frontend (env "
              + TemporalConnectionSettings.ENV_ADDRESS
              + ", default "
              + TemporalConnectionSettings.DEFAULT_ADDRESS
              + ").")
  String address;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description =
          "Temporal namespace (env "
              + TemporalConnectionSettings.ENV_NAMESPACE
              + ", default "
              + TemporalConnectionSettings.DEFAULT_NAMESPACE
              + ").")
  String namespace;

  @Option(
      names = "--task-queue",
      paramLabel = "QUEUE",
      description =
          "Task queue of the metering workflows and activities (env "
              + TemporalConnectionSettings.ENV_TASK_QUEUE
              + ", default "
              + TemporalConnectionSettings.DEFAULT_TASK_QUEUE
              + ").")
  String taskQueue;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "Temporal Cloud API key (env "
              + TemporalConnectionSettings.ENV_API_KEY
              + "); implies TLS. Never logged.")
  String apiKey;

  @Option(
      names = "--tls",
      negatable = true,
      description =
          "Connect with TLS (env "
              + TemporalConnectionSettings.ENV_TLS
              + "=true|false; default on with an API key or client certificate, else off).")
  Boolean tls;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description =
          "Client certificate for mTLS (env "
              + TemporalConnectionSettings.ENV_TLS_CERT
              + "); needs --tls-key.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description =
          "PKCS#8 private key of the client certificate (env "
              + TemporalConnectionSettings.ENV_TLS_KEY
              + ").")
  Path tlsKey;

  /** The effective settings: these flags, then {@code env}, then defaults. */
  public TemporalConnectionSettings resolve(Map<String, String> env) {
    return TemporalConnectionSettings.resolve(
        address, namespace, taskQueue, apiKey, tls, tlsCert, tlsKey, env);
  }
}
