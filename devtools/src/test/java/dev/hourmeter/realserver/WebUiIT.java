package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.worker.WorkerAssembly;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.WorkerSettings;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal Web UI tells a customer's story: the real dev server with its UI, a customer metered
 * through two periods by an in-process worker, and the workflow's page opened in headless Chromium.
 * The page must show the workflow's static summary, the submit activities and their summaries.
 * Screenshots are saved under {@code target/ui-screenshots/} (always, before asserting) for a human
 * to look at.
 */
class WebUiIT {

  private static final Logger log = LoggerFactory.getLogger(WebUiIT.class);

  private static final Path WORK = Path.of("target", "web-ui-it").toAbsolutePath();
  private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots").toAbsolutePath();
  private static final String QUEUE = "hourmeter-web-ui-it";
  private static final Duration PERIOD = Duration.ofSeconds(10);
  private static final String PRODUCT = "prod-webui";
  private static final String CUSTOMER = "cust-webui-1";
  private static final Duration TWO_PERIODS_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(45);

  /**
   * Viewports (CSS pixels) for the screenshots: the UI scrolls inside its own container, so only a
   * big viewport shows a whole page. The history of two periods (about 45 events, the first one
   * with the static summary at the bottom) fits in 2400 px; 1800 wide shows the Details column with
   * the activity summaries.
   */
  private static final int[] HISTORY_VIEWPORT = {1800, 2400};

  private static final int[] TIMELINE_VIEWPORT = {1400, 1300};

  private static final String STATIC_SUMMARY = "Metering " + PRODUCT + " for " + CUSTOMER;
  private static final String SUBMIT_ACTIVITY = "SubmitUsageRecords";
  private static final String SUBMIT_SUMMARY = "submit 2 records for";

  @Test
  void workflowPageShowsTheSummaryAndTheSubmitActivities() throws Exception {
    Path chromiumBinary = HeadlessChromium.requireBinary();
    try (var server = TemporalDevServer.create(WORK, true);
        MarketplaceSimulator simulator =
            MarketplaceSimulator.builder().port(0).period(PERIOD).autoSubscribe(true).build()) {
      simulator.start();
      Instant t0 = Instant.now();
      server.start();
      log.info(
          "temporal dev server up in {} ms, UI at {}",
          Duration.between(t0, Instant.now()).toMillis(),
          server.uiUrl());
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
      WorkflowClient client =
          WorkflowClient.newInstance(
              service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      WorkerAssembly assembly =
          WorkerAssembly.builder(
                  WorkerSettings.defaults(AwsEndpoints.forSimulator(simulator.endpoint())))
              .build();
      try {
        assembly.startWorker(client, QUEUE);

        MeteringSubscription subscription =
            MeteringSubscription.of(
                PRODUCT,
                CustomerId.parse(CUSTOMER),
                List.of("requests", "storage"),
                PricingModel.SUBSCRIPTION,
                PERIOD);
        CustomerMeteringWorkflow workflow =
            client.newWorkflowStub(
                CustomerMeteringWorkflow.class,
                MeteringOptions.customerWorkflow(QUEUE, subscription));
        WorkflowExecution execution =
            WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
        Instant started = Instant.now();
        Throwable notSubmitted = null;
        try {
          workflow.reportUsage(
              new UsageReport(
                  "web-ui-1",
                  List.of(UsageEntry.now("requests", 7), UsageEntry.now("storage", 3))));
          awaitPeriodsSubmitted(workflow, 1, started);
          workflow.reportUsage(
              new UsageReport(
                  "web-ui-2",
                  List.of(UsageEntry.now("requests", 11), UsageEntry.now("storage", 5))));
          awaitPeriodsSubmitted(workflow, 2, started);
          log.info(
              "two periods submitted {} ms after the start",
              Duration.between(started, Instant.now()).toMillis());
        } catch (RuntimeException | AssertionError e) {
          // Open the page all the same: its screenshot shows what went wrong (a failing workflow
          // task, say).
          notSubmitted = e;
        }
        Duration pageTimeout = notSubmitted == null ? PAGE_TIMEOUT : Duration.ofSeconds(10);

        // The worker keeps polling while the browser loads: the UI shows current details only then.
        String page =
            server.uiUrl()
                + "/namespaces/default/workflows/"
                + URLEncoder.encode(execution.getWorkflowId(), StandardCharsets.UTF_8)
                    .replace("+", "%20")
                + "/"
                + execution.getRunId();
        String historyText;
        String timelineText;
        try (HeadlessChromium chromium =
            HeadlessChromium.launch(chromiumBinary, WORK.resolve("chromium.log"))) {
          chromium.viewport(HISTORY_VIEWPORT[0], HISTORY_VIEWPORT[1]);
          Instant loading = Instant.now();
          chromium.navigate(page + "/history");
          historyText =
              chromium.awaitText(
                  text ->
                      text.contains(STATIC_SUMMARY)
                          && text.contains(SUBMIT_ACTIVITY)
                          && text.contains(SUBMIT_SUMMARY),
                  pageTimeout);
          long historyMillis = Duration.between(loading, Instant.now()).toMillis();
          Path historyShot =
              chromium.screenshot(SCREENSHOTS.resolve("customer-workflow-history.png"));
          Files.writeString(WORK.resolve("history.txt"), historyText);
          log.info(
              "{}/history rendered in {} ms; screenshot: {}", page, historyMillis, historyShot);

          chromium.viewport(TIMELINE_VIEWPORT[0], TIMELINE_VIEWPORT[1]);
          loading = Instant.now();
          chromium.navigate(page + "/timeline");
          timelineText =
              chromium.awaitText(
                  text -> text.contains(SUBMIT_ACTIVITY) && text.contains(SUBMIT_SUMMARY),
                  pageTimeout);
          long timelineMillis = Duration.between(loading, Instant.now()).toMillis();
          Path timelineShot =
              chromium.screenshot(SCREENSHOTS.resolve("customer-workflow-timeline.png"));
          Files.writeString(WORK.resolve("timeline.txt"), timelineText);
          log.info(
              "{}/timeline rendered in {} ms; screenshot: {}", page, timelineMillis, timelineShot);
        }

        if (notSubmitted != null) {
          throw new AssertionError(
              "the customer's two periods were not submitted (see the screenshots in "
                  + SCREENSHOTS
                  + "): "
                  + notSubmitted.getMessage(),
              notSubmitted);
        }
        assertThat(historyText)
            .as("text of the workflow's Event History page")
            .contains(STATIC_SUMMARY, SUBMIT_ACTIVITY, SUBMIT_SUMMARY);
        assertThat(timelineText)
            .as("text of the workflow's Timeline page")
            .contains(SUBMIT_ACTIVITY, SUBMIT_SUMMARY);
      } finally {
        assembly.close();
        service.shutdownNow();
      }
    }
  }

  private static void awaitPeriodsSubmitted(
      CustomerMeteringWorkflow workflow, long periods, Instant started)
      throws InterruptedException {
    Instant deadline = started.plus(TWO_PERIODS_TIMEOUT);
    long submitted = workflow.status().counters().periodsSubmitted();
    while (submitted < periods) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "only "
                + submitted
                + " of "
                + periods
                + " periods submitted after "
                + TWO_PERIODS_TIMEOUT
                + ": "
                + workflow.status());
      }
      Thread.sleep(250);
      submitted = workflow.status().counters().periodsSubmitted();
    }
  }
}
