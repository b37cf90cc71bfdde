package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.devtools.DevStackFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dev} with the Temporal CLI: the real dev server and its Web UI, the demo customers
 * onboarded through registration, and each customer's UI link from the banner answering: the page
 * (HTTP 200), the UI server's API for that workflow, and the page in headless Chromium showing the
 * running workflow.
 */
class DevWebUiIT {

  private static final Logger log = LoggerFactory.getLogger(DevWebUiIT.class);
  private static final Path WORK = Path.of("target", "dev-web-ui-it").toAbsolutePath();
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration UI_READY_WITHIN = Duration.ofSeconds(30);

  @Test
  void bannerLinksOpenEachDemoCustomerInTheWebUi() throws Exception {
    Path temporal = TemporalDevServer.requireBinary();
    Path chromiumBinary = HeadlessChromium.requireBinary();
    Files.createDirectories(WORK);
    HttpClient http = HttpClient.newHttpClient();
    Instant begin = Instant.now();
    try (DevStackFixture dev = DevStackFixture.start(temporal, 2, Duration.ofSeconds(10))) {
      log.info(
          "dev with the Temporal CLI started in {} ms",
          Duration.between(begin, Instant.now()).toMillis());
      Files.writeString(WORK.resolve("banner.txt"), dev.banner());
      assertThat(dev.customers()).extracting(c -> c.licensed()).containsExactly(false, true);
      for (DevStackFixture.DemoCustomer customer : dev.customers()) {
        String link = dev.uiLink(customer.workflowId());
        assertThat(dev.banner()).contains(link);
        HttpResponse<String> page =
            http.send(
                HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(link).isEqualTo(200);
        // The UI server's own API for the same workflow: it exists on the server the UI shows.
        String api =
            link.replace("/namespaces/default/workflows/", "/api/v1/namespaces/default/workflows/");
        // The UI server answers 503 until its connection to the server's frontend is up (seen
        // once in CI a second after start): wait for it, then require the workflow.
        HttpResponse<String> workflow = getUntilAnswered(http, api, UI_READY_WITHIN);
        assertThat(workflow.statusCode()).as(api).isEqualTo(200);
        assertThat(workflow.body()).contains(customer.workflowId()).contains("RUNNING");
      }

      DevStackFixture.DemoCustomer licensed = dev.customers().get(1);
      try (HeadlessChromium chromium =
          HeadlessChromium.launch(chromiumBinary, WORK.resolve("chromium.log"))) {
        chromium.viewport(1600, 1200);
        chromium.navigate(dev.uiLink(licensed.workflowId()));
        String text =
            chromium.awaitText(
                t ->
                    t.contains(licensed.workflowId())
                        && t.contains(licensed.agreement().licenseArn())
                        && t.contains("RUNNING"),
                PAGE_TIMEOUT);
        chromium.screenshot(WORK.resolve("licensed-customer.png"));
        Files.writeString(WORK.resolve("licensed-customer.txt"), text);
        assertThat(text)
            .contains(licensed.workflowId(), licensed.agreement().licenseArn(), "RUNNING");
      }
    }
  }

  /** GETs {@code url} until it answers other than 503 or {@code within} has passed. */
  private static HttpResponse<String> getUntilAnswered(HttpClient http, String url, Duration within)
      throws Exception {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 503 || Instant.now().isAfter(deadline)) {
        return response;
      }
      Thread.sleep(500);
    }
  }
}
