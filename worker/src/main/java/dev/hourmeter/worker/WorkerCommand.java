package dev.hourmeter.worker;

import dev.hourmeter.activities.HourmeterActivities;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.usage.UsageSources;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Run a metering worker: customer workflows and their AWS Marketplace activities.",
        "AWS: region AWS_REGION (default us-east-1), endpoint overrides HOURMETER_METERING_ENDPOINT, "
            + "HOURMETER_ENTITLEMENT_ENDPOINT and HOURMETER_CLOUDTRAIL_ENDPOINT, credentials from the AWS SDK "
            + "default chain."})
final class WorkerCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

  @ParentCommand
  HourmeterMain root;

  @Mixin
  TemporalOptions temporal;

  @Option(names = "--usage-source", paramLabel = "SPEC",
      description = "Pulled usage: none or file:/path/usage.jsonl (env HOURMETER_USAGE_SOURCE, default none).")
  String usageSource;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve Prometheus metrics on http://0.0.0.0:PORT/metrics (env HOURMETER_METRICS_PORT; default off).")
  Integer metricsPort;

  @Option(names = "--virtual-threads", negatable = true,
      description = "Run workflow and activity tasks on virtual threads (env HOURMETER_VIRTUAL_THREADS; default off).")
  Boolean virtualThreads;

  @Option(names = "--register-search-attributes",
      description = "Register the Metering* search attributes on the server first (dev servers; not Temporal Cloud).")
  boolean registerSearchAttributes;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "PT2M",
      description = "How long to wait for Temporal at startup (default ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Override
  public Integer call() throws InterruptedException {
    WorkerConfig config = WorkerConfig.resolve(temporal, usageSource, metricsPort, virtualThreads, root.env());
    UsageSource source = UsageSources.fromConfig("--usage-source/HOURMETER_USAGE_SOURCE", config.usageSource());
    log.info("starting worker: {}", config);
    try (Lifecycle lifecycle = new Lifecycle()) {
      Metrics metrics = lifecycle.add("metrics", Metrics.start(config.metricsPort()));
      TemporalConnection connection =
          lifecycle.add("Temporal connection", TemporalConnection.open(config, metrics.temporalScope()));
      connection.awaitServer(connectTimeout);
      if (registerSearchAttributes) {
        connection.registerSearchAttributes();
      }
      MarketplaceGateway gateway = lifecycle.add("AWS gateway", new MarketplaceGateway(config.aws(), metrics.registry()));
      lifecycle.add("worker", new MeteringWorker(connection, HourmeterActivities.all(gateway, source)).start());
      log.info("usage source: {}", source.describe());
      lifecycle.awaitShutdown("worker");
    }
    return 0;
  }
}
