package dev.hourmeter.worker;

import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.TemporalConnectionOptions;
import dev.hourmeter.client.TemporalConnectionSettings;
import dev.hourmeter.client.usage.UsageReporter;
import dev.hourmeter.worker.catalog.CatalogOptions;
import dev.hourmeter.worker.catalog.ProductCatalog;
import dev.hourmeter.worker.ingest.IngestOptions;
import dev.hourmeter.worker.ingest.IngestServer;
import dev.hourmeter.worker.ingest.IngestSettings;
import dev.hourmeter.worker.intake.KnownProducts;
import dev.hourmeter.worker.intake.LifecycleIntake;
import dev.hourmeter.worker.onboarding.CustomerWorkflowStarter;
import dev.hourmeter.worker.registration.RegistrationOptions;
import dev.hourmeter.worker.registration.RegistrationServer;
import dev.hourmeter.worker.registration.RegistrationSettings;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.AwsOptions;
import dev.hourmeter.worker.settings.BatchingOptions;
import dev.hourmeter.worker.settings.FleetOptions;
import dev.hourmeter.worker.settings.FleetSharing;
import dev.hourmeter.worker.settings.IntakeOptions;
import dev.hourmeter.worker.settings.IntakeSettings;
import dev.hourmeter.worker.settings.ProcessOptions;
import dev.hourmeter.worker.settings.WorkerSettings;
import java.time.Duration;
import java.util.Optional;
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
    sortOptions = false,
    description = {
      "Run a metering worker: customer workflows and their AWS Marketplace activities.",
      "Each flag has an environment variable; a flag wins over its variable, a variable over the "
          + "default (docs/configuration.md). AWS credentials come from the AWS SDK default chain."
    })
final class WorkerCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

  static final String ENV_CONNECT_TIMEOUT = "HOURMETER_CONNECT_TIMEOUT";
  static final String ENV_REGISTER_SEARCH_ATTRIBUTES = "HOURMETER_REGISTER_SEARCH_ATTRIBUTES";
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMinutes(2);

  @ParentCommand HourmeterMain root;

  @Mixin TemporalConnectionOptions temporal;

  @Mixin AwsOptions aws;

  @Mixin BatchingOptions batching;

  @Mixin FleetOptions fleet;

  @Mixin ProcessOptions process;

  @Mixin CatalogOptions catalog;

  @Mixin RegistrationOptions registration;

  @Mixin IntakeOptions intake;

  @Mixin IngestOptions ingest;

  @Option(
      names = "--register-search-attributes",
      negatable = true,
      description =
          "Register the Metering* search attributes on the server first (env "
              + ENV_REGISTER_SEARCH_ATTRIBUTES
              + "=true|false, default off; dev servers, not Temporal Cloud).")
  Boolean registerSearchAttributes;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      description =
          "How long to wait for Temporal at startup (env "
              + ENV_CONNECT_TIMEOUT
              + ", default PT2M).")
  String connectTimeout;

  @Override
  public Integer call() throws InterruptedException {
    SettingResolver env = new SettingResolver(root.env());
    TemporalConnectionSettings connectionSettings = temporal.resolve(root.env());
    AwsEndpoints awsEndpoints = aws.resolve(env);
    WorkerSettings settings = process.resolve(env, awsEndpoints, batching.resolve(env));
    FleetSharing fleetSharing = fleet.resolve(env);
    IntakeSettings intakeSettings = intake.resolve(env);
    int metricsPort = process.metricsPort(env);
    Duration timeout =
        env.positiveDuration(
            "--connect-timeout", ENV_CONNECT_TIMEOUT, connectTimeout, DEFAULT_CONNECT_TIMEOUT);
    boolean register =
        env.bool(
            "--register-search-attributes",
            ENV_REGISTER_SEARCH_ATTRIBUTES,
            registerSearchAttributes,
            false);
    // Read and checked before anything starts: a bad catalog exits 2 naming file, product, field.
    Optional<ProductCatalog> products = catalog.load(env);
    KnownProducts intakeProducts = intakeProducts(intakeSettings, products);
    RegistrationSettings registrationSettings = registration.resolve(env, false);
    IngestSettings ingestSettings = ingest.resolve(env, false, null);
    if (registrationSettings.enabled() && products.isEmpty()) {
      throw new IllegalArgumentException(
          "--registration: needs the product catalog (--product-catalog or "
              + CatalogOptions.ENV_PRODUCT_CATALOG
              + ")");
    }
    log.info(
        "starting worker: {} {} {} {} metricsPort={}",
        connectionSettings,
        settings,
        fleetSharing,
        intakeSettings,
        metricsPort == 0 ? "off" : metricsPort);
    try (Lifecycle lifecycle = new Lifecycle()) {
      Metrics metrics = lifecycle.add("metrics", Metrics.start(metricsPort));
      TemporalConnection connection =
          lifecycle.add(
              "Temporal connection",
              TemporalConnection.builder(connectionSettings)
                  .metricsScope(metrics.temporalScope())
                  // An idle worker's last poll stays younger than the fleet's staleness bound.
                  .longPollTimeout(fleetSharing.enabled() ? FleetSharing.LONG_POLL : null)
                  .open());
      // Built before the first network call: a bad usage source fails at once (exit 2).
      WorkerAssembly assembly =
          lifecycle.add(
              "worker",
              WorkerAssembly.builder(settings)
                  .registry(metrics.registry())
                  .environment(root.env())
                  .build());
      connection.awaitServer(timeout);
      if (register) {
        connection.registerSearchAttributes();
      }
      assembly.startWorker(connection.client(), connectionSettings.taskQueue(), fleetSharing);
      log.info("usage source: {}", assembly.describeUsageSource());
      if (registrationSettings.enabled()) {
        lifecycle.add(
            "registration endpoint",
            RegistrationServer.start(
                registrationSettings,
                assembly.gateway().registration(),
                products.orElseThrow(),
                new CustomerWorkflowStarter(connection.client(), connectionSettings.taskQueue())));
      }
      if (intakeSettings.enabled()) {
        lifecycle.add(
            "lifecycle intake",
            LifecycleIntake.start(
                intakeSettings,
                awsEndpoints.region(),
                intakeProducts,
                connection.client(),
                connectionSettings.taskQueue(),
                metrics.registry(),
                assembly.gateway().agreements()::status));
      }
      if (ingestSettings.enabled()) {
        lifecycle.add(
            "ingest API",
            IngestServer.start(
                ingestSettings, new UsageReporter(connection.client()), metrics.registry()));
      }
      lifecycle.awaitShutdown("worker");
    }
    return 0;
  }

  /**
   * The intake's products: the product catalog's, which the intake needs (checked before anything
   * starts: exit 2).
   */
  private static KnownProducts intakeProducts(
      IntakeSettings intake, Optional<ProductCatalog> catalog) {
    if (!intake.enabled()) {
      return null;
    }
    return catalog.orElseThrow(
        () ->
            new IllegalArgumentException(
                "--intake-queue: needs the product catalog (--product-catalog or "
                    + CatalogOptions.ENV_PRODUCT_CATALOG
                    + "), which names the products the intake may start workflows for"));
  }
}
