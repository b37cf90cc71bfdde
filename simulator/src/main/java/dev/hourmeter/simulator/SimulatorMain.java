package dev.hourmeter.simulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Command line entry point: {@code simulator [--host H] [--port P] [--period PT1H] ...}. Runs until
 * the JVM is stopped. Bad flag values exit with code 2 and a message naming the flag.
 */
@Command(
    name = "simulator",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Runs a local AWS Marketplace (metering, entitlement, CloudTrail LookupEvents) simulator.")
public final class SimulatorMain implements Callable<Integer> {

  @Option(
      names = "--host",
      defaultValue = SimulatorConfig.DEFAULT_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "4599",
      converter = SimulatorConverters.PortConverter.class,
      description = "Port to bind, 0 for ephemeral (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--period",
      defaultValue = "PT1H",
      converter = SimulatorConverters.PositiveDurationConverter.class,
      description =
          "AWS's 'hour': dedup granularity and unit of --window-periods, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration period;

  @Option(
      names = "--window",
      converter = SimulatorConverters.NonNegativeDurationConverter.class,
      description =
          "Reject records this old or older, ISO-8601; PT6H for AWS's rule before 2026-07 (default:"
              + " 24 periods, PT24H at the default period). Not with --window-periods.")
  Duration window;

  @Option(
      names = "--window-periods",
      converter = SimulatorConverters.NonNegativeIntConverter.class,
      description = "The window as a number of periods (default: 24). Not with --window.")
  Integer windowPeriods;

  @Option(
      names = "--cloudtrail-delay",
      converter = SimulatorConverters.NonNegativeDurationConverter.class,
      description =
          "CloudTrail delivery delay, ISO-8601 (default: PT5M, scaled by period/PT1H when the period is shorter).")
  Duration cloudTrailDelay;

  @Option(
      names = "--auto-subscribe",
      description = "Every customer is subscribed to every dimension of every product.")
  boolean autoSubscribe;

  @Option(
      names = "--product",
      paramLabel = "CODE[:KIND[:DIMENSION,...]]",
      converter = SimulatorConverters.ProductConverter.class,
      description =
          "A product of the catalog from the start, repeatable; KIND is legacy (default),"
              + " concurrent-agreements or migrating, e.g. --product"
              + " my-saas:concurrent-agreements:requests,gb-hours. Its agreements take its kind.")
  List<ProductSpec> products = new ArrayList<>();

  @Option(
      names = "--metering-tps",
      defaultValue = "10",
      converter = SimulatorConverters.NonNegativeIntConverter.class,
      description =
          "BatchMeterUsage requests per second before throttling, 0 = unlimited (default: ${DEFAULT-VALUE}).")
  int meteringTps;

  @Option(
      names = "--lookup-tps",
      defaultValue = "2",
      converter = SimulatorConverters.NonNegativeIntConverter.class,
      description =
          "LookupEvents requests per second before throttling, 0 = unlimited (default: ${DEFAULT-VALUE}).")
  int lookupTps;

  @Option(
      names = "--event-queue-url",
      paramLabel = "URL",
      defaultValue = "${env:" + ENV_EVENT_QUEUE_URL + "}",
      description =
          "Publish agreement events (/_sim/agreements) into this SQS queue, e.g."
              + " http://127.0.0.1:9324/000000000000/lifecycle (env "
              + ENV_EVENT_QUEUE_URL
              + "; default: kept in memory, GET /_sim/agreement-events).")
  String eventQueueUrl;

  @Option(
      names = "--event-sqs-endpoint",
      paramLabel = "URL",
      defaultValue = "${env:" + ENV_EVENT_SQS_ENDPOINT + "}",
      description =
          "The SQS endpoint of --event-queue-url, e.g. a local ElasticMQ http://127.0.0.1:9324 (env "
              + ENV_EVENT_SQS_ENDPOINT
              + "; default: AWS's SQS in "
              + SimulatorConfig.DEFAULT_REGION
              + ").")
  String eventSqsEndpoint;

  public static final String ENV_EVENT_QUEUE_URL = "SIMULATOR_EVENT_QUEUE_URL";
  public static final String ENV_EVENT_SQS_ENDPOINT = "SIMULATOR_EVENT_SQS_ENDPOINT";

  private static final Logger LOG = LoggerFactory.getLogger(SimulatorMain.class);

  public static void main(String... args) {
    System.exit(run(args));
  }

  /**
   * Parses {@code args}, runs the simulator until JVM shutdown, and returns the exit code (2 = bad
   * flags).
   */
  public static int run(String... args) {
    return new CommandLine(new SimulatorMain()).execute(args);
  }

  /** The builder the parsed flags describe. */
  MarketplaceSimulator.Builder builder() {
    MarketplaceSimulator.Builder builder =
        MarketplaceSimulator.builder()
            .host(host)
            .port(port)
            .period(period)
            .cloudTrailDelay(cloudTrailDelay)
            .autoSubscribe(autoSubscribe)
            .meteringTps(meteringTps)
            .lookupTps(lookupTps)
            .products(products);
    if (window != null) {
      builder.window(window);
    }
    if (windowPeriods != null) {
      builder.windowPeriods(windowPeriods);
    }
    return builder;
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (window != null && windowPeriods != null) {
      throw new ParameterException(
          spec.commandLine(), "--window and --window-periods are mutually exclusive: give one");
    }
    SqsAgreementEventSink events = eventSink();
    MarketplaceSimulator.Builder builder = builder();
    if (events != null) {
      builder.eventSink(events);
      LOG.info("agreement events published to SQS queue {}", events.queueUrl());
    }
    MarketplaceSimulator simulator = builder.build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  simulator.close();
                  if (events != null) {
                    events.close();
                  }
                  stopped.countDown();
                },
                "marketplace-sim-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * The SQS sink {@code --event-queue-url} asks for, null when none (blank values count as unset).
   */
  SqsAgreementEventSink eventSink() {
    String queue = blankToNull(eventQueueUrl);
    String endpoint = blankToNull(eventSqsEndpoint);
    if (queue == null) {
      if (endpoint != null) {
        throw new ParameterException(
            spec.commandLine(), "--event-sqs-endpoint needs --event-queue-url");
      }
      return null;
    }
    URI queueUri = absoluteHttpUrl("--event-queue-url", queue);
    URI endpointUri = endpoint == null ? null : absoluteHttpUrl("--event-sqs-endpoint", endpoint);
    if (queueUri.getPath() == null || queueUri.getPath().length() <= 1) {
      throw new ParameterException(
          spec.commandLine(),
          "--event-queue-url: '" + queue + "' names no queue (http://HOST:PORT/ACCOUNT/QUEUE)");
    }
    return SqsAgreementEventSink.create(endpointUri, queue, SimulatorConfig.DEFAULT_REGION);
  }

  private URI absoluteHttpUrl(String flag, String value) {
    try {
      URI uri = new URI(value);
      if (uri.getHost() != null
          && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new ParameterException(
        spec.commandLine(), flag + ": '" + value + "' is not an absolute http(s) URL");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
