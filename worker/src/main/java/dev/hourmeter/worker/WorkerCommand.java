package dev.hourmeter.worker;

import dev.hourmeter.activities.HourmeterActivities;
import dev.hourmeter.activities.SubmissionSettings;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.batching.RecordSender;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.usage.UsageSources;
import dev.hourmeter.activities.verification.CloudTrailReceiptIndex;
import dev.hourmeter.workflows.client.TemporalConnection;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Run a metering worker: customer workflows and their AWS Marketplace activities.",
      "AWS: region AWS_REGION (default us-east-1), endpoint overrides HOURMETER_METERING_ENDPOINT, "
          + "HOURMETER_ENTITLEMENT_ENDPOINT and HOURMETER_CLOUDTRAIL_ENDPOINT, credentials from the AWS SDK "
          + "default chain."
    })
final class WorkerCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

  @ParentCommand HourmeterMain root;

  @Mixin TemporalOptions temporal;

  @Option(
      names = "--usage-source",
      paramLabel = "SPEC",
      description =
          "Pulled usage: none or file:/path/usage.jsonl (env HOURMETER_USAGE_SOURCE, default none).")
  String usageSource;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics on http://0.0.0.0:PORT/metrics (env HOURMETER_METRICS_PORT; default off).")
  Integer metricsPort;

  @Option(
      names = "--virtual-threads",
      negatable = true,
      description =
          "Run workflow and activity tasks on virtual threads (env HOURMETER_VIRTUAL_THREADS; default off).")
  Boolean virtualThreads;

  @Option(
      names = "--register-search-attributes",
      description =
          "Register the Metering* search attributes on the server first (dev servers; not Temporal Cloud).")
  boolean registerSearchAttributes;

  @Option(
      names = "--cloudtrail-tps",
      paramLabel = "N",
      description =
          "LookupEvents calls per second this worker may make for receipt verification (env "
              + "HOURMETER_CLOUDTRAIL_TPS; default 2, AWS's limit per account and region: with several workers give "
              + "each 2 / number of workers).")
  Double cloudTrailTps;

  @Option(
      names = "--batching",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Share BatchMeterUsage calls (up to 25 records) across customers of a product (default on).")
  boolean batching;

  @Option(
      names = "--linger",
      paramLabel = "DURATION",
      defaultValue = "PT1S",
      description =
          "How long a record waits for its shared batch to fill (default ${DEFAULT-VALUE}).")
  Duration linger;

  @Option(
      names = "--metering-tps",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "BatchMeterUsage calls per second for this worker (default ${DEFAULT-VALUE}, AWS's quota per "
              + "account and region: with several workers give each 10 / number of workers).")
  double meteringTps;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      defaultValue = "PT2M",
      description = "How long to wait for Temporal at startup (default ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Override
  public Integer call() throws InterruptedException {
    WorkerConfig config =
        WorkerConfig.resolve(
            temporal.resolve(root.env()), usageSource, metricsPort, virtualThreads, root.env());
    UsageSource source =
        UsageSources.fromConfig("--usage-source/HOURMETER_USAGE_SOURCE", config.usageSource());
    log.info("starting worker: {}", config);
    try (Lifecycle lifecycle = new Lifecycle()) {
      Metrics metrics = lifecycle.add("metrics", Metrics.start(config.metricsPort()));
      TemporalConnection connection =
          lifecycle.add(
              "Temporal connection",
              TemporalConnection.open(config.temporal(), metrics.temporalScope()));
      connection.awaitServer(connectTimeout);
      if (registerSearchAttributes) {
        connection.registerSearchAttributes();
      }
      MarketplaceGateway gateway =
          lifecycle.add("AWS gateway", new MarketplaceGateway(config.aws(), metrics.registry()));
      CloudTrailReceiptIndex receipts =
          CloudTrailReceiptIndex.builder(gateway)
              .lookupsPerSecond(cloudTrailTps(root.env()))
              .build();
      RecordSender batcher =
          new SubmissionSettings(batching, linger, meteringTps)
              .newSender(gateway, metrics.registry());
      lifecycle.add("metering batcher", batcher); // closed after the worker, before the gateway
      lifecycle.add(
          "worker",
          new MeteringWorker(
                  connection, config, HourmeterActivities.all(gateway, source, receipts, batcher))
              .start());
      log.info("usage source: {}", source.describe());
      lifecycle.awaitShutdown("worker");
    }
    return 0;
  }

  private double cloudTrailTps(java.util.Map<String, String> env) {
    if (cloudTrailTps != null) {
      return requirePositive("--cloudtrail-tps", cloudTrailTps);
    }
    String value = env.get("HOURMETER_CLOUDTRAIL_TPS");
    if (value == null || value.isBlank()) {
      return 2.0;
    }
    try {
      return requirePositive("HOURMETER_CLOUDTRAIL_TPS", Double.parseDouble(value.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("HOURMETER_CLOUDTRAIL_TPS: not a number: '" + value + "'");
    }
  }

  private static double requirePositive(String name, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(name + ": must be > 0, got " + value);
    }
    return value;
  }
}
