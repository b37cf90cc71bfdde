package dev.hourmeter.devtools;

import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.worker.HourmeterMain;
import dev.hourmeter.worker.Lifecycle;
import dev.hourmeter.worker.catalog.CatalogOptions;
import dev.hourmeter.worker.catalog.CatalogProduct;
import dev.hourmeter.worker.catalog.ProductCatalog;
import dev.hourmeter.worker.ingest.IngestOptions;
import dev.hourmeter.worker.ingest.IngestSettings;
import dev.hourmeter.worker.registration.RegistrationOptions;
import dev.hourmeter.worker.registration.RegistrationSettings;
import dev.hourmeter.worker.settings.BatchingOptions;
import dev.hourmeter.worker.settings.ProcessOptions;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
      "The embedded default, no external services: a Temporal dev server (the Temporal CLI's, with its",
      "Web UI, when installed; else an in-process one), the AWS Marketplace simulator (auto-subscribe), a",
      "worker, the registration endpoint and demo customers who arrive through it, with synthetic usage.",
      "Ctrl-C stops everything."
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
  static final String ENV_UI_PORT = "HOURMETER_DEV_UI_PORT";
  static final String ENV_EMBEDDED_TEMPORAL = "HOURMETER_DEV_EMBEDDED_TEMPORAL";

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
          "Port of the Temporal server on 127.0.0.1 (env "
              + ENV_PORT
              + ", default 7233; the default gives way to a free port when taken).")
  String port;

  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      description =
          "Port of the Temporal Web UI on 127.0.0.1, with the Temporal CLI's dev server (env "
              + ENV_UI_PORT
              + ", default 8233; the default gives way to a free port when taken).")
  String uiPort;

  @Option(
      names = "--embedded-temporal",
      negatable = true,
      description =
          "Run the in-process Temporal server (no Web UI) even when a Temporal CLI is installed"
              + " (env "
              + ENV_EMBEDDED_TEMPORAL
              + ", default false).")
  Boolean embeddedTemporal;

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
          "Port of the local SQS (ElasticMQ) on 127.0.0.1 whose queue 'lifecycle' the simulator's"
              + " agreement events go into and the lifecycle intake reads (env "
              + ENV_SQS_PORT
              + ", default 0 = any free port).")
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

  @Mixin IngestOptions ingest;

  @Override
  public Integer call() throws Exception {
    // Temporal and AWS are the local ones: the TEMPORAL_* and AWS variables are not read.
    SettingResolver env = new SettingResolver(root.env());
    Duration meteringPeriod =
        env.positiveDuration("--period", ENV_PERIOD, period, Duration.ofMinutes(1));
    Duration interval =
        env.positiveDuration(
            "--usage-interval", ENV_USAGE_INTERVAL, usageInterval, Duration.ofSeconds(5));
    int customerCount = env.integer("--customers", ENV_CUSTOMERS, customers, 3, 0, 1000);
    int simulatorPortNumber =
        env.integer("--simulator-port", ENV_SIMULATOR_PORT, simulatorPort, 4599, 1, 65535);
    int metricsPort = process.metricsPort(env);
    int sqsPortNumber = env.integer("--sqs-port", ENV_SQS_PORT, sqsPort, 0, 0, 65535);
    if (sqsPortNumber != 0) {
      requireFreePort(sqsPortNumber, "--sqs-port", "another SQS or `./hourmeter dev`");
    }
    boolean embedded =
        env.bool("--embedded-temporal", ENV_EMBEDDED_TEMPORAL, embeddedTemporal, false);
    Path cli = embedded ? null : TemporalCliDevServer.findBinary().orElse(null);
    int temporalPort = port(env, "--port", ENV_PORT, port, 7233);
    int uiPortNumber = cli == null ? 0 : port(env, "--ui-port", ENV_UI_PORT, uiPort, 8233);
    try {
      DemoBuyer.catalogProducts(meteringPeriod).forEach(p -> p.subscription(demoCustomer(p)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage());
    }
    RegistrationSettings registrationSettings = registration.resolve(env, true);
    DevStack.requireRegistration(customerCount, registrationSettings);
    // dev makes up a token of its own (printed in the banner) besides any configured ones.
    String ingestToken = DevStack.newIngestToken();
    IngestSettings ingestSettings = ingest.resolve(env, true, ingestToken);
    ProductCatalog sellerCatalog = catalog.load(env).orElse(null);
    requireFreePort(
        simulatorPortNumber, "--simulator-port", "another simulator or `./hourmeter dev`");
    DevStack.Setup setup =
        new DevStack.Setup(
            meteringPeriod,
            customerCount,
            interval,
            cli,
            temporalPort,
            uiPortNumber,
            simulatorPortNumber,
            sqsPortNumber,
            metricsPort,
            registrationSettings,
            sellerCatalog,
            endpoints -> process.resolve(env, endpoints, batching.resolve(env)),
            ingestSettings,
            ingestToken);
    Instant begin = Instant.now();
    try (Lifecycle lifecycle = new Lifecycle()) {
      DevStack stack = DevStack.start(setup, lifecycle);
      log.info("hourmeter dev started in {} ms", Duration.between(begin, Instant.now()).toMillis());
      new DevBanner(spec.commandLine().getOut())
          .print(stack, meteringPeriod, interval, stack.assembly.describeUsageSource(), embedded);
      lifecycle.awaitShutdown("hourmeter dev");
    }
    return 0;
  }

  /** A demo customer fitting {@code product}, to check the period before anything starts. */
  private static CustomerId demoCustomer(CatalogProduct product) {
    return product.concurrentAgreements()
        ? CustomerId.licensed(
            "111122223333",
            "arn:aws:license-manager::111122223333:license/l-0123456789abcdef0123456789abcdef")
        : CustomerId.legacy("demo-customer-1");
  }

  /**
   * The port of a flag: when given (flag or variable), it must be free; the default, when taken,
   * gives way to a free port.
   */
  private static int port(
      SettingResolver env, String flag, String variable, String value, int defaultPort)
      throws IOException {
    int chosen = env.integer(flag, variable, value, defaultPort, 1, 65535);
    boolean given = env.string(flag, variable, value, null) != null;
    if (given || isFree(chosen)) {
      if (given) {
        requireFreePort(chosen, flag, "another Temporal server or `./hourmeter dev`");
      }
      return chosen;
    }
    int free = TemporalCliDevServer.freePort();
    log.info("port {} is taken; {} uses {} instead (choose one with {})", chosen, flag, free, flag);
    return free;
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void requireFreePort(int port, String flag, String likelyHolder) {
    if (!isFree(port)) {
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
