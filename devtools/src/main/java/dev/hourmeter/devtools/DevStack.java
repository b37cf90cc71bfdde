package dev.hourmeter.devtools;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.TemporalConnectionSettings;
import dev.hourmeter.client.usage.UsageReporter;
import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.simulator.EmbeddedSqs;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.ProductSpec;
import dev.hourmeter.simulator.SqsAgreementEventSink;
import dev.hourmeter.worker.Lifecycle;
import dev.hourmeter.worker.Metrics;
import dev.hourmeter.worker.WorkerAssembly;
import dev.hourmeter.worker.catalog.CatalogProduct;
import dev.hourmeter.worker.catalog.ProductCatalog;
import dev.hourmeter.worker.ingest.IngestServer;
import dev.hourmeter.worker.ingest.IngestSettings;
import dev.hourmeter.worker.intake.LifecycleIntake;
import dev.hourmeter.worker.intake.LifecycleTemporal;
import dev.hourmeter.worker.onboarding.CustomerWorkflowStarter;
import dev.hourmeter.worker.registration.RegistrationServer;
import dev.hourmeter.worker.registration.RegistrationSettings;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.IntakeSettings;
import dev.hourmeter.worker.settings.WorkerSettings;
import dev.hourmeter.workflows.TaskQueues;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code dev} runs, started in order into a {@link Lifecycle} (which stops it newest first):
 * the Temporal server ({@link DevTemporal}), a local SQS (ElasticMQ) with the queue {@value
 * #LIFECYCLE_QUEUE} and its dead-letter queue, the simulator publishing its agreement events into
 * that queue (its catalog holding dev's products), the worker, the registration endpoint, the
 * lifecycle intake reading the queue, the demo customers' arrival through onboarding ({@link
 * DemoOnboarding}) and their usage.
 */
final class DevStack {

  private static final Logger log = LoggerFactory.getLogger(DevStack.class);
  static final String LOOPBACK = "127.0.0.1";
  static final String LIFECYCLE_QUEUE = "lifecycle";
  static final String REGION = "us-east-1";

  /**
   * What to start.
   *
   * @param temporalCli the {@code temporal} binary, or null for the in-process server
   * @param sqsPort the local SQS's port, 0 for any free one
   * @param catalog the seller's catalog file, or null; the demo products are added to it
   * @param workerSettings the worker's settings for the simulator's endpoints
   */
  record Setup(
      Duration period,
      int customers,
      Duration usageInterval,
      Path temporalCli,
      int temporalPort,
      int uiPort,
      int simulatorPort,
      int sqsPort,
      int metricsPort,
      RegistrationSettings registration,
      ProductCatalog catalog,
      Function<AwsEndpoints, WorkerSettings> workerSettings,
      IngestSettings ingest,
      String ingestToken) {}

  final DevTemporal temporal;
  final TemporalConnectionSettings connectionSettings;
  final TemporalConnection connection;
  final MarketplaceSimulator simulator;
  final EmbeddedSqs sqs;
  final String lifecycleQueue;
  final RegistrationServer registration;
  final IngestServer ingest;
  final String ingestToken;
  final WorkerAssembly assembly;
  final ProductCatalog catalog;
  final List<DemoOnboarding.Arrival> arrivals;

  private DevStack(
      DevTemporal temporal,
      TemporalConnectionSettings connectionSettings,
      TemporalConnection connection,
      MarketplaceSimulator simulator,
      EmbeddedSqs sqs,
      String lifecycleQueue,
      RegistrationServer registration,
      IngestServer ingest,
      String ingestToken,
      WorkerAssembly assembly,
      ProductCatalog catalog,
      List<DemoOnboarding.Arrival> arrivals) {
    this.temporal = temporal;
    this.connectionSettings = connectionSettings;
    this.connection = connection;
    this.simulator = simulator;
    this.sqs = sqs;
    this.lifecycleQueue = lifecycleQueue;
    this.registration = registration;
    this.ingest = ingest;
    this.ingestToken = ingestToken;
    this.assembly = assembly;
    this.catalog = catalog;
    this.arrivals = List.copyOf(arrivals);
  }

  /** The seller's catalog (if any) with the demo products it lacks. */
  static ProductCatalog catalog(ProductCatalog seller, Duration period) {
    Map<String, CatalogProduct> products = new LinkedHashMap<>();
    if (seller != null) {
      seller.products().forEach(p -> products.put(p.productCode(), p));
    }
    DemoBuyer.catalogProducts(period).forEach(p -> products.putIfAbsent(p.productCode(), p));
    return ProductCatalog.of(products.values());
  }

  /**
   * The catalog's products as the simulator's: each keeps its kind (legacy or concurrent
   * agreements) from the start, whatever agreement the simulator sees first.
   */
  static List<ProductSpec> simulatorProducts(ProductCatalog catalog) {
    return catalog.products().stream()
        .map(p -> new ProductSpec(p.productCode(), p.dimensions(), p.concurrentAgreements()))
        .toList();
  }

  /** A fresh random bearer token for dev's ingest API (32 URL-safe characters). */
  static String newIngestToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Demo customers need the registration endpoint: they arrive through it. */
  static void requireRegistration(int customers, RegistrationSettings registration) {
    if (customers > 0 && !registration.enabled()) {
      throw new IllegalArgumentException(
          "--no-registration: the demo customers arrive through the registration endpoint;"
              + " add --customers 0 to run without it");
    }
  }

  /**
   * Starts everything into {@code lifecycle}; what started is stopped by it, also when a later step
   * fails.
   */
  static DevStack start(Setup setup, Lifecycle lifecycle) throws Exception {
    requireRegistration(setup.customers(), setup.registration());
    ProductCatalog products = catalog(setup.catalog(), setup.period());
    DevTemporal temporal =
        lifecycle.add(
            "Temporal dev server",
            setup.temporalCli() == null
                ? DevTemporal.inProcess(setup.temporalPort())
                : DevTemporal.cli(setup.temporalCli(), setup.temporalPort(), setup.uiPort()));
    TemporalConnectionSettings local =
        TemporalConnectionSettings.local(
            temporal.address(), TemporalConnectionSettings.DEFAULT_NAMESPACE, TaskQueues.METERING);
    int sqsPort = setup.sqsPort() == 0 ? TemporalCliDevServer.freePort() : setup.sqsPort();
    EmbeddedSqs sqs = lifecycle.add("local SQS", EmbeddedSqs.start(sqsPort));
    String queue = sqs.createQueueWithDeadLetters(LIFECYCLE_QUEUE, 10, 30);
    SqsAgreementEventSink events =
        lifecycle.add(
            "agreement events", SqsAgreementEventSink.create(sqs.endpoint(), queue, REGION));
    MarketplaceSimulator simulator =
        lifecycle.add(
            "simulator",
            MarketplaceSimulator.builder()
                .host(LOOPBACK)
                .port(setup.simulatorPort())
                .period(setup.period())
                .autoSubscribe(true)
                .products(simulatorProducts(products))
                .eventSink(events)
                .build()
                .start());
    WorkerSettings settings =
        setup.workerSettings().apply(AwsEndpoints.forSimulator(simulator.endpoint()));
    log.debug("dev configuration: {} {} {}", local, settings, products);
    Metrics metrics = lifecycle.add("metrics", Metrics.start(setup.metricsPort()));
    TemporalConnection connection =
        lifecycle.add(
            "Temporal connection", TemporalConnection.open(local, metrics.temporalScope()));
    WorkerAssembly assembly =
        lifecycle.add(
            "worker", WorkerAssembly.builder(settings).registry(metrics.registry()).build());
    connection.awaitServer(Duration.ofSeconds(30));
    connection.registerSearchAttributes();
    assembly.startWorker(connection.client(), local.taskQueue());
    RegistrationServer registration =
        !setup.registration().enabled()
            ? null
            : lifecycle.add(
                "registration endpoint",
                RegistrationServer.start(
                    setup.registration(),
                    assembly.gateway().registration(),
                    products,
                    new CustomerWorkflowStarter(connection.client(), local.taskQueue())));
    IngestServer ingest =
        setup.ingest() == null || !setup.ingest().enabled()
            ? null
            : lifecycle.add(
                "ingest API",
                IngestServer.start(
                    setup.ingest(), new UsageReporter(connection.client()), metrics.registry()));
    lifecycle.add(
        "lifecycle intake",
        LifecycleIntake.start(
            new IntakeSettings(List.of(queue), sqs.endpoint()),
            REGION,
            products,
            connection.client(),
            local.taskQueue(),
            metrics.registry(),
            assembly.gateway().agreements()::status));
    List<DemoOnboarding.Arrival> arrivals = new ArrayList<>();
    if (setup.customers() > 0) {
      DemoOnboarding onboarding =
          new DemoOnboarding(
              simulator.agreements(),
              new LifecycleTemporal(connection.client(), local.taskQueue())::isRunning,
              registration.url());
      for (DemoBuyer buyer : DemoBuyer.first(setup.customers())) {
        arrivals.add(arrive(onboarding, buyer));
      }
    }
    lifecycle.add(
        "demo usage",
        new DemoCustomers(connection.client(), arrivals, setup.usageInterval()).start());
    return new DevStack(
        temporal,
        local,
        connection,
        simulator,
        sqs,
        queue,
        registration,
        ingest,
        ingest == null ? null : setup.ingestToken(),
        assembly,
        products,
        arrivals);
  }

  private static DemoOnboarding.Arrival arrive(DemoOnboarding onboarding, DemoBuyer buyer)
      throws InterruptedException {
    try {
      return onboarding.arrive(buyer);
    } catch (IOException e) {
      throw new IllegalStateException(
          "demo customer " + buyer.name() + " could not register: " + e, e);
    }
  }
}
