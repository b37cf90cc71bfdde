package dev.hourmeter.worker;

import dev.hourmeter.activities.HourmeterActivities;
import dev.hourmeter.activities.SubmissionSettings;
import dev.hourmeter.activities.aws.AwsSettings;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.batching.RecordSender;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.usage.UsageSources;
import dev.hourmeter.activities.verification.CloudTrailReceiptIndex;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.client.TemporalConnection;
import dev.hourmeter.workflows.client.TemporalConnectionSettings;
import dev.hourmeter.workflows.model.MeteringSubscription;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
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

  @Option(
      names = "--period",
      paramLabel = "DURATION",
      defaultValue = "PT1M",
      description =
          "Metering period of the demo customers and the simulator (default ${DEFAULT-VALUE}).")
  String period;

  @Option(
      names = "--customers",
      paramLabel = "N",
      defaultValue = "3",
      description = "Number of demo customers (default ${DEFAULT-VALUE}).")
  int customers;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "7233",
      description =
          "Port of the in-process Temporal server on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--simulator-port",
      paramLabel = "PORT",
      defaultValue = "4599",
      description =
          "Port of the AWS Marketplace simulator on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int simulatorPort;

  @Option(
      names = "--usage-interval",
      paramLabel = "DURATION",
      defaultValue = "PT5S",
      description = "How often each demo customer reports usage (default ${DEFAULT-VALUE}).")
  String usageInterval;

  @Option(
      names = "--usage-source",
      paramLabel = "SPEC",
      description =
          "Pulled usage as well: none or file:/path/usage.jsonl (env HOURMETER_USAGE_SOURCE, default none).")
  String usageSource;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics on this port (env HOURMETER_METRICS_PORT; default off).")
  Integer metricsPort;

  @Override
  public Integer call() throws InterruptedException {
    Duration meteringPeriod = duration("--period", period);
    Duration interval = duration("--usage-interval", usageInterval);
    if (customers < 0 || customers > 1000) {
      throw new IllegalArgumentException("--customers: must be 0..1000, got " + customers);
    }
    List<MeteringSubscription> demo;
    try {
      demo = DemoCustomers.subscriptions(customers, meteringPeriod);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage());
    }
    requireFreePort(port, "--port", "another Temporal server or `./hourmeter dev`");
    requireFreePort(simulatorPort, "--simulator-port", "another simulator or `./hourmeter dev`");

    Map<String, String> env = root.env();
    TemporalConnectionSettings local =
        TemporalConnectionSettings.local(
            LOOPBACK + ":" + port,
            TemporalConnectionSettings.DEFAULT_NAMESPACE,
            TaskQueues.METERING);
    // Only the usage source and metrics come from the environment; Temporal and AWS are the local
    // ones.
    Map<String, String> devEnv = new java.util.HashMap<>();
    if (env.containsKey("HOURMETER_USAGE_SOURCE")) {
      devEnv.put("HOURMETER_USAGE_SOURCE", env.get("HOURMETER_USAGE_SOURCE"));
    }
    if (env.containsKey("HOURMETER_METRICS_PORT")) {
      devEnv.put("HOURMETER_METRICS_PORT", env.get("HOURMETER_METRICS_PORT"));
    }
    WorkerConfig base = WorkerConfig.resolve(local, usageSource, metricsPort, null, devEnv);
    UsageSource source =
        UsageSources.fromConfig("--usage-source/HOURMETER_USAGE_SOURCE", base.usageSource());

    try (Lifecycle lifecycle = new Lifecycle()) {
      lifecycle.add("Temporal dev server", DevTemporalServer.start(port));
      MarketplaceSimulator simulator =
          lifecycle.add(
              "simulator",
              MarketplaceSimulator.builder()
                  .host(LOOPBACK)
                  .port(simulatorPort)
                  .period(meteringPeriod)
                  .autoSubscribe(true)
                  .build()
                  .start());
      WorkerConfig config = base.withAws(AwsSettings.forSimulator(simulator.endpoint()));
      log.debug("dev configuration: {}", config);
      Metrics metrics = lifecycle.add("metrics", Metrics.start(config.metricsPort()));
      TemporalConnection connection =
          lifecycle.add(
              "Temporal connection",
              TemporalConnection.open(config.temporal(), metrics.temporalScope()));
      connection.awaitServer(Duration.ofSeconds(30));
      connection.registerSearchAttributes();
      MarketplaceGateway gateway =
          lifecycle.add("AWS gateway", new MarketplaceGateway(config.aws(), metrics.registry()));
      RecordSender batcher =
          lifecycle.add(
              "metering batcher",
              SubmissionSettings.defaults().newSender(gateway, metrics.registry()));
      lifecycle.add(
          "worker",
          new MeteringWorker(
                  connection,
                  config,
                  HourmeterActivities.all(
                      gateway, source, new CloudTrailReceiptIndex(gateway), batcher))
              .start());
      lifecycle.add(
          "demo usage",
          new DemoCustomers(connection.client(), config.taskQueue(), demo, interval).start());
      banner(config, simulator, meteringPeriod, source);
      lifecycle.awaitShutdown("hourmeter dev");
    }
    return 0;
  }

  private void banner(
      WorkerConfig config,
      MarketplaceSimulator simulator,
      Duration meteringPeriod,
      UsageSource source) {
    String prefix = port == 7233 ? "" : "TEMPORAL_ADDRESS=" + config.temporal().address() + " ";
    String firstCustomer = customers > 0 ? "demo-customer-1" : "my-customer";
    PrintWriter out = spec.commandLine().getOut();
    out.println();
    out.println("hourmeter dev is running (Ctrl-C stops everything)");
    out.printf(
        "  Temporal (in-process server)  %s   namespace %s, task queue %s%n",
        config.temporal().address(), config.temporal().namespace(), config.taskQueue());
    out.printf(
        "  AWS Marketplace simulator     %s   auto-subscribe, period %s (ledger: curl %s/_sim/ledger)%n",
        simulator.endpoint(), meteringPeriod, simulator.endpoint());
    if (customers > 0) {
      out.printf(
          "  demo customers                demo-customer-1..%d of %s, dimensions %s, usage every %s%n",
          customers,
          DemoCustomers.PRODUCT,
          String.join(", ", DemoCustomers.DIMENSIONS),
          usageInterval);
    }
    if (!"none".equals(source.describe())) {
      out.printf("  pulled usage                  %s%n", source.describe());
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
        prefix, meteringPeriod);
    out.printf(
        "  %s./hourmeter unsubscribe --product %s --customer %s%n",
        prefix, DemoCustomers.PRODUCT, firstCustomer);
    out.println();
    out.printf(
        "Each period's submissions are logged below, shortly after the period ends (%s grace).%n",
        dev.hourmeter.workflows.model.MeteringTuning.defaults(meteringPeriod).grace());
    out.println();
    out.flush();
  }

  private static Duration duration(String flag, String value) {
    try {
      Duration parsed = Duration.parse(value.trim());
      if (parsed.isNegative() || parsed.isZero()) {
        throw new IllegalArgumentException(flag + ": must be positive, got " + value);
      }
      return parsed;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          flag + ": '" + value + "' is not an ISO-8601 duration such as PT1M");
    }
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
