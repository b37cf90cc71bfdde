package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hourmeter.simulator.Agreement;
import dev.hourmeter.simulator.AgreementSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.worker.catalog.CatalogProduct;
import dev.hourmeter.worker.catalog.IntegrationKind;
import dev.hourmeter.worker.catalog.ProductCatalog;
import dev.hourmeter.worker.onboarding.CustomerWorkflowStarter;
import dev.hourmeter.worker.registration.RegistrationServer;
import dev.hourmeter.worker.registration.RegistrationSettings;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The registration endpoint against the simulator's agreements and a real worker: a fresh token is
 * redeemed with ResolveCustomer, the customer's workflow starts (once) and is metered, the browser
 * gets a 303 to the landing URL; bad tokens and unknown products get clear pages.
 */
class RegistrationEndpointTest {

  private static final String CA = "prod-ca";
  private static final String LEGACY = "prod-legacy";
  private static final String ACCOUNT = "111122223333";
  private static final URI LANDING = URI.create("https://seller.example/welcome?src=aws");

  private final HttpClient http = HttpClient.newHttpClient();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private MeteringTestEnvironment env;
  private RegistrationServer server;

  @BeforeEach
  void setUp() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    ProductCatalog catalog =
        ProductCatalog.of(
            List.of(
                new CatalogProduct(
                    CA,
                    IntegrationKind.CONCURRENT_AGREEMENTS,
                    PricingModel.SUBSCRIPTION,
                    List.of("requests"),
                    Duration.ofHours(1)),
                new CatalogProduct(
                    LEGACY,
                    IntegrationKind.LEGACY,
                    PricingModel.SUBSCRIPTION,
                    List.of("requests"),
                    Duration.ofHours(1))));
    server =
        RegistrationServer.start(
            new RegistrationSettings(true, "127.0.0.1", 0, LANDING),
            env.gateway.registration(),
            catalog,
            new CustomerWorkflowStarter(env.client, TaskQueues.METERING));
    logs.start();
    ((Logger) LoggerFactory.getLogger("dev.hourmeter.worker")).addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger("dev.hourmeter.worker")).detachAppender(logs);
    server.close();
    env.close();
  }

  private HttpResponse<String> post(String form) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(server.url())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String form(String token) {
    return "x-amzn-marketplace-token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  private Agreement agreement(String product, boolean concurrent) {
    return env.simulator
        .agreements()
        .create(
            new AgreementSpec(
                product, ACCOUNT, List.of("requests"), List.of(), null, concurrent, false));
  }

  private WorkflowExecutionDescription describe(String workflowId) {
    return env.client.newUntypedWorkflowStub(workflowId).describe();
  }

  @Test
  void aFreshTokenStartsTheLicensedCustomerOnceAndItIsMetered() throws Exception {
    Agreement agreement = agreement(CA, true);
    CustomerId customer = CustomerId.licensed(ACCOUNT, agreement.licenseArn());
    String workflowId = MeteringWorkflowIds.forCustomer(CA, customer);

    HttpResponse<String> response = post(form(agreement.registrationToken()));

    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location"))
        .contains(
            LANDING
                + "&product=prod-ca&account=111122223333&license="
                + URLEncoder.encode(agreement.licenseArn(), StandardCharsets.UTF_8));
    WorkflowExecutionDescription started = describe(workflowId);
    assertThat(started.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(started.getTypedSearchAttributes().get(MeteringSearchAttributes.AGREEMENT))
        .isEqualTo(agreement.id());
    assertThat(started.getTypedSearchAttributes().get(MeteringSearchAttributes.LICENSE))
        .isEqualTo(agreement.licenseArn());

    // The same token again (a reload): 303 again, the same run.
    assertThat(post(form(agreement.registrationToken())).statusCode()).isEqualTo(303);
    assertThat(describe(workflowId).getExecution().getRunId())
        .isEqualTo(started.getExecution().getRunId());

    CustomerMeteringWorkflow workflow =
        env.client.newWorkflowStub(CustomerMeteringWorkflow.class, workflowId);
    env.sleepUntil(at(0, 30));
    workflow.recordUsage(
        new UsageReport("r-1", List.of(new UsageEntry("requests", 7, at(0, 30).toString()))));
    // Started with the catalog's defaults: 00:00 closes at 01:05 plus the customer's offset in the
    // PT20M close spread.
    env.sleepUntil(at(1, 30));
    List<LedgerEntry> ledger = env.simulator.ledger(CA, ACCOUNT, agreement.licenseArn());
    assertThat(ledger).hasSize(1);
    assertThat(ledger.get(0).quantity()).isEqualTo(7);
    assertThat(ledger.get(0).timestamp()).isEqualTo(hour(0));

    String token = agreement.registrationToken();
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains(token))
        .anyMatch(line -> line.startsWith("registration sha256:") && line.contains(workflowId));
  }

  @Test
  void aLegacyCustomerIsIdentifiedByResolveCustomerNeverByTheForm() throws Exception {
    Agreement agreement = agreement(LEGACY, false);

    HttpResponse<String> response =
        post(
            form(agreement.registrationToken())
                + "&x-amzn-marketplace-offer-type=free-trial"
                + "&customerAWSAccountId=999999999999&customerIdentifier=someone-else");

    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location"))
        .contains(LANDING + "&product=prod-legacy&account=111122223333");
    String workflowId =
        MeteringWorkflowIds.forCustomer(LEGACY, CustomerId.legacy(agreement.customerIdentifier()));
    assertThat(describe(workflowId).getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(describeOrNull(MeteringWorkflowIds.forCustomer(LEGACY, "someone-else"))).isNull();
  }

  @Test
  void anExpiredOrInvalidTokenGetsA400Page() throws Exception {
    Agreement agreement = agreement(CA, true);
    env.sleepUntil(env.now().plus(Duration.ofHours(4)));

    HttpResponse<String> expired = post(form(agreement.registrationToken()));
    assertThat(expired.statusCode()).isEqualTo(400);
    assertThat(expired.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(expired.body()).contains("Registration link expired");

    HttpResponse<String> invalid = post(form("not-a-token"));
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("Registration link not valid");

    HttpResponse<String> missing = post("something=else");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("No registration token");
    assertThat(
            describeOrNull(
                MeteringWorkflowIds.forCustomer(
                    CA, CustomerId.licensed(ACCOUNT, agreement.licenseArn()))))
        .isNull();
  }

  @Test
  void aProductMissingFromTheCatalogGetsAClearPageAndALogLine() throws Exception {
    Agreement agreement = agreement("prod-unknown", true);

    HttpResponse<String> response = post(form(agreement.registrationToken()));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body())
        .contains("Product not available")
        .contains("<code>prod-unknown</code>");
    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(line -> line.contains("product prod-unknown") && line.contains("not in the"));
    assertThat(
            describeOrNull(
                MeteringWorkflowIds.forCustomer(
                    "prod-unknown", CustomerId.licensed(ACCOUNT, agreement.licenseArn()))))
        .isNull();
  }

  @Test
  void anEndedLicenseIsNotStartedAgain() throws Exception {
    Agreement agreement = agreement(CA, true);
    assertThat(post(form(agreement.registrationToken())).statusCode()).isEqualTo(303);
    String workflowId =
        MeteringWorkflowIds.forCustomer(CA, CustomerId.licensed(ACCOUNT, agreement.licenseArn()));
    CustomerMeteringWorkflow workflow =
        env.client.newWorkflowStub(CustomerMeteringWorkflow.class, workflowId);
    workflow.unsubscribe();
    env.client.newUntypedWorkflowStub(workflowId).getResult(Void.class);

    // Ending skipped workflow time past the token's 4 hours: the buyer's next link has a new one.
    String token = env.simulator.agreements().get(agreement.id()).orElseThrow().registrationToken();
    HttpResponse<String> again = post(form(token));

    assertThat(again.statusCode()).isEqualTo(410);
    assertThat(again.body()).contains("Subscription ended");
    assertThat(describe(workflowId).getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  @Test
  void getShowsWhatTheAddressIsAndTheDefaultLandingPageEscapes() throws Exception {
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(server.url()).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");

    HttpResponse<String> landing =
        http.send(
            HttpRequest.newBuilder(
                    server.url().resolve("/registered?product=%3Cb%3Ex&account=111122223333"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(landing.statusCode()).isEqualTo(200);
    assertThat(landing.body()).contains("&lt;b&gt;x").doesNotContain("<b>x");
  }

  private WorkflowExecutionDescription describeOrNull(String workflowId) {
    try {
      return describe(workflowId);
    } catch (io.temporal.client.WorkflowNotFoundException | io.grpc.StatusRuntimeException e) {
      return null;
    }
  }
}
