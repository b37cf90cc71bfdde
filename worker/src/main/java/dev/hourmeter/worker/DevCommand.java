package dev.hourmeter.worker;

import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.TemporalConnectionSettings;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.worker.catalog.CatalogOptions;
import dev.hourmeter.worker.catalog.CatalogProduct;
import dev.hourmeter.worker.catalog.IntegrationKind;
import dev.hourmeter.worker.catalog.ProductCatalog;
import dev.hourmeter.worker.intake.EmbeddedSqs;
import dev.hourmeter.worker.onboarding.CustomerWorkflowStarter;
import dev.hourmeter.worker.registration.RegistrationOptions;
import dev.hourmeter.worker.registration.RegistrationServer;
import dev.hourmeter.worker.registration.RegistrationSettings;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.BatchingOptions;
import dev.hourmeter.worker.settings.ProcessOptions;
import dev.hourmeter.worker.settings.WorkerSettings;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.model.MeteringSubscription;
import dev.hourmeter.workflows.model.PricingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "The embedded default, no external services: an in-process Temporal server, the AWS Marketplace",
      "simulator (auto-subscribe), a worker and demo customers with synthetic usage. Ctrl-C stops everything."
    })
final class DevCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(DevCommand.class);
  private static final String LOOPBACK = "127.0.0.1";

  @ParentCommand HourmeterMain root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  static final String ENV_PERIOD = "HOURMETER_DEV_PERIOD";
  static final String ENV_CUSTOMERS = "HOURMETER_DEV_CUSTOMERS";
  static final String ENV_PORT = "HOURMETER_DEV_PORT";
  static final String ENV_SIMULATOR_PORT = "HOURMETER_DEV_SIMULATOR_PORT";
  static final String ENV_SQS_PORT = "HOURMETER_DEV_SQS_PORT";
  static final String ENV_USAGE_INTERVAL = "HOURMETER_DEV_USAGE_INTERVAL";

  @Option(
      names = "--period",
      paramLabel = "DURATION",
      description =
          "Metering period of the demo customers and the simulator (env "
              + ENV_PERIOD
              + ", default PT1M).")
  String period;

  @Option(
      names = "--customers",
      paramLabel = "N",
      description = "Number of demo customers, 0..1000 (env " + ENV_CUSTOMERS + ", default 3).")
  String customers;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description =
          "Port of the in-process Temporal server on 127.0.0.1 (env "
              + ENV_PORT
              + ", default 7233).")
  String port;

  @Option(
      names = "--simulator-port",
      paramLabel = "PORT",
      description =
          "Port of the AWS Marketplace simulator on 127.0.0.1 (env "
              + ENV_SIMULATOR_PORT
              + ", default 4599).")
  String simulatorPort;

  @Option(
      names = "--sqs-port",
      paramLabel = "PORT",
      description =
          "Also run a local SQS (ElasticMQ) on 127.0.0.1:PORT with a queue 'lifecycle' for the"
              + " lifecycle intake (env "
              + ENV_SQS_PORT
              + ", default 0 = off).")
  String sqsPort;

  @Option(
      names = "--usage-interval",
      paramLabel = "DURATION",
      description =
          "How often each demo customer reports usage (env "
              + ENV_USAGE_INTERVAL
              + ", default PT5S).")
  String usageInterval;

  @Mixin ProcessOptions process;

  @Mixin BatchingOptions batching;

  @Mixin CatalogOptions catalog;

  @Mixin RegistrationOptions registration;

  @Override
  public Integer call() throws InterruptedException {
    // Temporal and AWS are the local ones: the TEMPORAL_* and AWS variables are not read.
    SettingResolver env = new SettingResolver(root.env());
    Duration meteringPeriod =
        env.positiveDuration("--period", ENV_PERIOD, period, Duration.ofMinutes(1));
    Duration interval =
        env.positiveDuration(
            "--usage-interval", ENV_USAGE_INTERVAL, usageInterval, Duration.ofSeconds(5));
    int customerCount = env.integer("--customers", ENV_CUSTOMERS, customers, 3, 0, 1000);
    int temporalPort = env.integer("--port", ENV_PORT, port, 7233, 1, 65535);
    int simulatorPortNumber =
        env.integer("--simulator-port", ENV_SIMULATOR_PORT, simulatorPort, 4599, 1, 65535);
    int metricsPort = process.metricsPort(env);
    int sqsPortNumber = env.integer("--sqs-port", ENV_SQS_PORT, sqsPort, 0, 0, 65535);
    List<MeteringSubscription> demo;
    try {
      demo = DemoCustomers.subscriptions(customerCount, meteringPeriod);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage());
    }
    // The registration endpoint is on in dev; without a catalog file, the demo product is one.
    RegistrationSettings registrationSettings = registration.resolve(env, true);
    ProductCatalog products =
        catalog
            .load(env)
            .orElseGet(
                () ->
                    ProductCatalog.of(
                        List.of(
                            new CatalogProduct(
                                DemoCustomers.PRODUCT,
                                IntegrationKind.LEGACY,
                                PricingModel.SUBSCRIPTION,
                                DemoCustomers.DIMENSIONS,
                                meteringPeriod))));
    requireFreePort(temporalPort, "--port", "another Temporal server or `./hourmeter dev`");
    requireFreePort(
        simulatorPortNumber, "--simulator-port", "another simulator or `./hourmeter dev`");
    TemporalConnectionSettings local =
        TemporalConnectionSettings.local(
            LOOPBACK + ":" + temporalPort,
            TemporalConnectionSettings.DEFAULT_NAMESPACE,
            TaskQueues.METERING);

    try (Lifecycle lifecycle = new Lifecycle()) {
      lifecycle.add("Temporal dev server", DevTemporalServer.start(temporalPort));
      MarketplaceSimulator simulator =
          lifecycle.add(
              "simulator",
              MarketplaceSimulator.builder()
                  .host(LOOPBACK)
                  .port(simulatorPortNumber)
                  .period(meteringPeriod)
                  .autoSubscribe(true)
                  .build()
                  .start());
      if (sqsPortNumber != 0) {
        requireFreePort(sqsPortNumber, "--sqs-port", "another SQS or `./hourmeter dev`");
        EmbeddedSqs sqs = lifecycle.add("local SQS", EmbeddedSqs.start(sqsPortNumber));
        log.info("local SQS for the lifecycle intake: queue {}", sqs.createQueue("lifecycle"));
      }
      WorkerSettings settings =
          process.resolve(
              env, AwsEndpoints.forSimulator(simulator.endpoint()), batching.resolve(env));
      log.debug("dev configuration: {} {}", local, settings);
      Metrics metrics = lifecycle.add("metrics", Metrics.start(metricsPort));
      TemporalConnection connection =
          lifecycle.add(
              "Temporal connection", TemporalConnection.open(local, metrics.temporalScope()));
      WorkerAssembly assembly =
          lifecycle.add(
              "worker", WorkerAssembly.builder(settings).registry(metrics.registry()).build());
      connection.awaitServer(Duration.ofSeconds(30));
      connection.registerSearchAttributes();
      assembly.startWorker(connection.client(), local.taskQueue());
      RegistrationServer registrationServer =
          !registrationSettings.enabled()
              ? null
              : lifecycle.add(
                  "registration endpoint",
                  RegistrationServer.start(
                      registrationSettings,
                      assembly.gateway().registration(),
                      products,
                      new CustomerWorkflowStarter(connection.client(), local.taskQueue())));
      lifecycle.add(
          "demo usage",
          new DemoCustomers(connection.client(), local.taskQueue(), demo, interval).start());
      banner(
          new Banner(
              local,
              simulator.endpoint().toString(),
              meteringPeriod,
              customerCount,
              interval,
              assembly.describeUsageSource(),
              registrationServer == null ? null : registrationServer.url().toString()));
      lifecycle.awaitShutdown("hourmeter dev");
    }
    return 0;
  }

  /** What the startup banner shows. */
  private record Banner(
      TemporalConnectionSettings temporal,
      String simulator,
      Duration period,
      int customers,
      Duration usageInterval,
      String usageSource,
      String registration) {}

  private void banner(Banner b) {
    String prefix =
        b.temporal().address().endsWith(":7233")
            ? ""
            : "TEMPORAL_ADDRESS=" + b.temporal().address() + " ";
    String firstCustomer = b.customers() > 0 ? "demo-customer-1" : "my-customer";
    PrintWriter out = spec.commandLine().getOut();
    out.println();
    out.println("hourmeter dev is running (Ctrl-C stops everything)");
    out.printf(
        "  Temporal (in-process server)  %s   namespace %s, task queue %s%n",
        b.temporal().address(), b.temporal().namespace(), b.temporal().taskQueue());
    out.printf(
        "  AWS Marketplace simulator     %s   auto-subscribe, period %s (ledger: curl %s/_sim/ledger)%n",
        b.simulator(), b.period(), b.simulator());
    if (b.customers() > 0) {
      out.printf(
          "  demo customers                demo-customer-1..%d of %s, dimensions %s, usage every %s%n",
          b.customers(),
          DemoCustomers.PRODUCT,
          String.join(", ", DemoCustomers.DIMENSIONS),
          b.usageInterval());
    }
    if (b.registration() != null) {
      out.printf(
          "  registration endpoint         %s   (fulfillment URL: POST x-amzn-marketplace-token)%n",
          b.registration());
    }
    if (!"none".equals(b.usageSource())) {
      out.printf("  pulled usage                  %s%n", b.usageSource());
    }
    out.println();
    out.println("Try in another terminal:");
    out.printf(
        "  %s./hourmeter status --product %s --customer %s%n",
        prefix, DemoCustomers.PRODUCT, firstCustomer);
    out.printf(
        "  %s./hourmeter usage --product %s --customer %s --dimension requests --quantity 5%n",
        prefix, DemoCustomers.PRODUCT, firstCustomer);
    out.printf("  %s./hourmeter list%n", prefix);
    out.printf(
        "  %s./hourmeter start --product my-product --customer my-customer --dimension requests --period %s%n",
        prefix, b.period());
    out.printf(
        "  %s./hourmeter unsubscribe --product %s --customer %s%n",
        prefix, DemoCustomers.PRODUCT, firstCustomer);
    out.println();
    out.printf(
        "Each period's submissions are logged below, shortly after the period ends (%s grace),%n"
            + "each line with its customer's workflow id (follow one: | grep -E '%s[],]').%n",
        dev.hourmeter.workflows.model.MeteringTuning.defaults(b.period()).grace(),
        MeteringWorkflowIds.forCustomer(DemoCustomers.PRODUCT, firstCustomer));
    out.println();
    out.flush();
  }

  private static void requireFreePort(int port, String flag, String likelyHolder) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(flag + ": must be 1..65535, got " + port);
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port "
              + port
              + " on "
              + LOOPBACK
              + " is already in use ("
              + likelyHolder
              + "?); choose another with "
              + flag);
    }
  }
}
