package dev.hourmeter.worker;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Connection flags shared by {@code worker} and {@code dev}; each falls back to an environment variable. */
public final class TemporalOptions {

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "Temporal frontend (env TEMPORAL_ADDRESS, default " + WorkerConfig.DEFAULT_ADDRESS + ").")
  String address;

  @Option(names = "--namespace", paramLabel = "NS",
      description = "Temporal namespace (env TEMPORAL_NAMESPACE, default " + WorkerConfig.DEFAULT_NAMESPACE + ").")
  String namespace;

  @Option(names = "--task-queue", paramLabel = "QUEUE",
      description = "Task queue to poll (env HOURMETER_TASK_QUEUE, default hourmeter-metering).")
  String taskQueue;

  @Option(names = "--api-key", paramLabel = "KEY",
      description = "Temporal Cloud API key (env TEMPORAL_API_KEY); implies TLS. Never logged.")
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
}
