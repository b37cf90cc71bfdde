package dev.hourmeter.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code dev}'s assembly with the in-process server: the demo customers arrive through onboarding
 * (an agreement in the simulator, its creation event through dev's SQS queue to the lifecycle
 * intake, which starts the workflow; then the registration POST and ResolveCustomer), legacy and
 * licensed, and their usage is billed.
 */
class DevStackTest {

  private static final Duration PERIOD = Duration.ofSeconds(10);

  @Test
  void demoCustomersArriveThroughRegistrationAndAreBilled() throws Exception {
    try (DevStackFixture dev = DevStackFixture.start(null, 3, PERIOD)) {
      List<DevStackFixture.DemoCustomer> customers = dev.customers();
      assertThat(customers)
          .extracting(DevStackFixture.DemoCustomer::name)
          .containsExactly("demo-customer-1", "demo-customer-2", "demo-customer-3");
      assertThat(customers)
          .extracting(DevStackFixture.DemoCustomer::licensed)
          .containsExactly(false, true, false);
      assertThat(dev.catalogProducts())
          .containsExactly(DemoBuyer.LEGACY_PRODUCT, DemoBuyer.LICENSED_PRODUCT);

      // ResolveCustomer redeemed each buyer's token: onboarding, not a direct start.
      assertThat(dev.simulator().requestLog())
          .filteredOn(e -> e.operation().endsWith("ResolveCustomer"))
          .extracting(RequestLogEntry::status)
          .containsExactly(200, 200, 200);
      for (DevStackFixture.DemoCustomer customer : customers) {
        WorkflowExecutionDescription workflow =
            dev.client().newUntypedWorkflowStub(customer.workflowId()).describe();
        assertThat(workflow.getStatus())
            .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        // ResolveCustomer answers Metadata.AgreementId for concurrent-agreements products only.
        assertThat(workflow.getTypedSearchAttributes().get(MeteringSearchAttributes.AGREEMENT))
            .as(customer.name())
            .isEqualTo(customer.licensed() ? customer.agreement().id() : null);
        assertThat(workflow.getTypedSearchAttributes().get(MeteringSearchAttributes.LICENSE))
            .as(customer.name())
            .isEqualTo(customer.agreement().licenseArn());
      }
      assertThat(customers.get(0).workflowId())
          .isEqualTo("metering/hourmeter-demo/demo-customer-1");

      // Each customer's synthetic usage is billed once its first period closes.
      Instant deadline = Instant.now().plus(PERIOD.multipliedBy(4));
      while (!allBilled(dev, customers) && Instant.now().isBefore(deadline)) {
        Thread.sleep(500);
      }
      for (DevStackFixture.DemoCustomer customer : customers) {
        assertThat(ledger(dev, customer))
            .as("records billed for %s", customer.name())
            .isNotEmpty()
            .allSatisfy(
                e -> assertThat(e.licenseArn()).isEqualTo(customer.agreement().licenseArn()));
      }

      // The banner's way to add a customer: the simulator's agreement and registration POST.
      HttpResponse<String> added = addLicensedCustomer(dev);
      assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
      assertThat(added.body()).contains("\"registration\":{").contains("\"status\":303");
      String licenseArn = added.body().replaceAll(".*\"licenseArn\":\"([^\"]+)\".*", "$1").strip();
      assertThat(
              dev.client()
                  .newUntypedWorkflowStub(
                      MeteringWorkflowIds.forCustomer(
                          DemoBuyer.LICENSED_PRODUCT, "111122223333", licenseArn))
                  .describe()
                  .getStatus())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

      assertThat(dev.banner())
          .contains("demo-customer-2  " + DemoBuyer.LICENSED_PRODUCT)
          .contains(customers.get(1).workflowId())
          .contains("none: " + DevTemporal.HOW_TO_GET_THE_UI)
          .contains(
              DevBanner.addCustomerCommand(
                  dev.simulator().endpoint().toString().replaceAll("/$", ""),
                  dev.registrationUrl(),
                  DemoBuyer.LICENSED_PRODUCT))
          .contains("/_sim/agreements/" + customers.get(0).agreement().id() + "/end")
          .contains(
              DevBanner.renewCommand(
                  dev.simulator().endpoint().toString().replaceAll("/$", ""),
                  customers.get(1).agreement().id()));

      // The banner's curl line posts usage over the ingest API and it is accepted.
      String post =
          DevBanner.postUsageCommand(
              dev.ingestUrl().toString(),
              DevStackFixture.INGEST_TOKEN,
              DemoBuyer.LEGACY_PRODUCT,
              "demo-customer-1",
              "requests");
      assertThat(dev.banner()).contains(dev.ingestUrl().toString()).contains(post);
      Process curl = new ProcessBuilder("bash", "-c", post).redirectErrorStream(true).start();
      String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(curl.waitFor()).as(answer).isZero();
      assertThat(answer).contains("\"accepted\":1").contains("\"status\":\"ACCEPTED\"");
    }
  }

  /**
   * With one demo customer (legacy) no licensed agreement exists yet: the simulator still knows
   * {@code hourmeter-demo-licensed} as a concurrent-agreements product from dev's catalog, so the
   * banner's curl line adds a licensed customer (before, the simulator made the product legacy and
   * the registration answered 502).
   */
  @Test
  void withOneCustomerTheBannersLicensedCustomerStillRegisters() throws Exception {
    try (DevStackFixture dev = DevStackFixture.start(null, 1, PERIOD)) {
      assertThat(dev.customers())
          .extracting(DevStackFixture.DemoCustomer::licensed)
          .containsExactly(false);
      HttpResponse<String> added = addLicensedCustomer(dev);
      assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
      assertThat(added.body()).contains("\"concurrentAgreements\":true");
      assertThat(added.body()).contains("\"registration\":{").contains("\"status\":303");
      String licenseArn = added.body().replaceAll(".*\"licenseArn\":\"([^\"]+)\".*", "$1").strip();
      assertThat(
              dev.client()
                  .newUntypedWorkflowStub(
                      MeteringWorkflowIds.forCustomer(
                          DemoBuyer.LICENSED_PRODUCT, "111122223333", licenseArn))
                  .describe()
                  .getStatus())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
      assertThat(dev.banner())
          .contains(
              DevBanner.renewCommand(
                  dev.simulator().endpoint().toString().replaceAll("/$", ""),
                  dev.customers().get(0).agreement().id()));
    }
  }

  private static HttpResponse<String> addLicensedCustomer(DevStackFixture dev) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        dev.simulator().endpoint().toString().replaceAll("/$", "")
                            + "/_sim/agreements?register="
                            + dev.registrationUrl()))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"productCode\":\"hourmeter-demo-licensed\","
                            + "\"customerAWSAccountId\":\"111122223333\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static boolean allBilled(
      DevStackFixture dev, List<DevStackFixture.DemoCustomer> customers) {
    return customers.stream()
        .allMatch(c -> ledger(dev, c).stream().anyMatch(e -> e.quantity() > 0));
  }

  private static List<LedgerEntry> ledger(DevStackFixture dev, DevStackFixture.DemoCustomer c) {
    return c.licensed()
        ? dev.simulator()
            .ledger(c.productCode(), c.agreement().accountId(), c.agreement().licenseArn())
        : dev.simulator().ledger(c.productCode(), c.agreement().customerIdentifier());
  }
}
