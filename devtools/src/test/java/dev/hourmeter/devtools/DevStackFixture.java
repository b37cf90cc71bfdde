package dev.hourmeter.devtools;

import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.simulator.Agreement;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.worker.Lifecycle;
import dev.hourmeter.worker.ingest.IngestSettings;
import dev.hourmeter.worker.ingest.IngestTokens;
import dev.hourmeter.worker.registration.RegistrationSettings;
import dev.hourmeter.worker.settings.WorkerSettings;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code dev}'s assembly ({@link DevStack}, what {@code DevCommand} starts) on free loopback ports,
 * for tests in other packages (the real-server tests).
 */
public final class DevStackFixture implements AutoCloseable {

  /** One demo customer as dev onboarded it. */
  public record DemoCustomer(
      String name, String productCode, boolean licensed, Agreement agreement, String workflowId) {}

  /** The ingest API's bearer token in tests. */
  public static final String INGEST_TOKEN = "fixture-ingest-token-0123456789";

  private final Lifecycle lifecycle;
  private final DevStack stack;
  private final String banner;

  private DevStackFixture(Lifecycle lifecycle, DevStack stack, String banner) {
    this.lifecycle = lifecycle;
    this.stack = stack;
    this.banner = banner;
  }

  /**
   * Starts dev with {@code customers} demo customers metered every {@code period}, with the
   * Temporal CLI at {@code temporalCli} (its Web UI on a free port) or, when null, the in-process
   * server.
   */
  public static DevStackFixture start(Path temporalCli, int customers, Duration period)
      throws Exception {
    DevStack.Setup setup =
        new DevStack.Setup(
            period,
            customers,
            Duration.ofMillis(500),
            temporalCli,
            TemporalCliDevServer.freePort(),
            TemporalCliDevServer.freePort(),
            0,
            0,
            0,
            new RegistrationSettings(true, "127.0.0.1", 0, null),
            null,
            WorkerSettings::defaults,
            IngestSettings.plain("127.0.0.1", 0, IngestTokens.parse(INGEST_TOKEN, "test")),
            INGEST_TOKEN);
    Lifecycle lifecycle = new Lifecycle();
    try {
      DevStack stack = DevStack.start(setup, lifecycle);
      StringWriter banner = new StringWriter();
      new DevBanner(new PrintWriter(banner))
          .print(stack, period, setup.usageInterval(), "none", false);
      return new DevStackFixture(lifecycle, stack, banner.toString());
    } catch (Exception | Error e) {
      lifecycle.close();
      throw e;
    }
  }

  public List<DemoCustomer> customers() {
    return stack.arrivals.stream()
        .map(
            a ->
                new DemoCustomer(
                    a.buyer().name(),
                    a.buyer().productCode(),
                    a.buyer().concurrentAgreements(),
                    a.agreement(),
                    a.workflowId()))
        .toList();
  }

  /** The Web UI page of {@code workflowId} as the banner prints it (in-process server: none). */
  public String uiLink(String workflowId) {
    return stack.temporal.workflowLink(workflowId).orElseThrow();
  }

  /** The registration endpoint's URL (the fulfillment URL). */
  public String registrationUrl() {
    return stack.registration.url().toString();
  }

  /** The ingest API's {@code POST /v1/usage} URL. */
  public java.net.URI ingestUrl() {
    return stack.ingest.usageUrl();
  }

  public String banner() {
    return banner;
  }

  public WorkflowClient client() {
    return stack.connection.client();
  }

  public MarketplaceSimulator simulator() {
    return stack.simulator;
  }

  public List<String> catalogProducts() {
    return stack.catalog.products().stream().map(p -> p.productCode()).toList();
  }

  /** Stops everything, as Ctrl-C does. */
  @Override
  public void close() {
    lifecycle.close();
  }
}
