package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.it.LocalSqs;
import dev.hourmeter.worker.catalog.TestCatalogs;
import dev.hourmeter.worker.intake.LifecycleEventHandler;
import dev.hourmeter.worker.intake.LifecycleTemporal;
import dev.hourmeter.worker.intake.SqsIntake;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle intake against the real Temporal server (the {@code temporal} CLI's dev server) and
 * a real local SQS: with the server stopped, a creation event stays in the queue and takes effect
 * once the server is back; an agreement event that carries only the agreement id finds its workflow
 * through the {@code MeteringAgreement} search attribute (a visibility query).
 */
class LifecycleIntakeIT {

  private static final String PRODUCT = "prod-intake-it";
  private static final String ACCOUNT = "123456789012";
  private static final String LICENSE = "arn:aws:license-manager::123456789012:license/l-0it";
  private static final Path WORK = Path.of("target", "intake-it").toAbsolutePath();

  @Test
  void anEventTakesEffectOnceTemporalIsBackAndAgreementEventsFindTheirWorkflow() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TemporalCliDevServer server = TemporalDevServer.create(WORK, false);
        LocalSqs sqs = new LocalSqs(10, 5)) {
      server.start();
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder()
                  .setTarget(server.address())
                  .setRpcTimeout(Duration.ofSeconds(3))
                  .build());
      WorkflowClient client =
          WorkflowClient.newInstance(
              service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      LifecycleEventHandler handler =
          new LifecycleEventHandler(
              TestCatalogs.hourly(PRODUCT, null),
              new LifecycleTemporal(client, "intake-it"),
              registry);
      SqsIntake intake = new SqsIntake(sqs.sqs, List.of(sqs.queueUrl), handler, 1).start();
      try {
        String id = MeteringWorkflowIds.forCustomer(PRODUCT, CustomerId.licensed(ACCOUNT, LICENSE));

        server.stop();
        sqs.send(agreementEvent("Purchase Agreement Created - Manufacturer", "agmt-0it", true));
        Thread.sleep(8000);
        assertThat(sqs.inQueue()).as("kept while Temporal is down").isEqualTo(1);

        server.start();
        awaitTrue("started once Temporal is back", () -> isRunning(client, id), 120);
        awaitTrue("deleted after the start", () -> sqs.inQueue() == 0, 60);
        assertThat(registry.counter(LifecycleEventHandler.RETRIED).count()).isPositive();

        // A customer registered with its agreement id (MeteringAgreement set at start): an ending
        // that names only the agreement reaches it through the visibility query.
        String registered =
            startWithAgreement(client, "arn:aws:license-manager::123456789012:license/l-0reg");
        sqs.send(agreementEvent("Purchase Agreement Ended - Manufacturer", "agmt-0reg", false));
        awaitTrue("unsubscribe signalled by agreement id", () -> signalled(client, registered), 60);
        awaitTrue("deleted", () -> sqs.inQueue() == 0, 30);
      } finally {
        intake.close();
        service.shutdownNow();
      }
    }
  }

  private static String startWithAgreement(WorkflowClient client, String license) {
    MeteringSubscription subscription =
        MeteringSubscription.of(
            PRODUCT,
            CustomerId.licensed(ACCOUNT, license),
            List.of("requests"),
            PricingModel.SUBSCRIPTION,
            Duration.ofHours(1));
    WorkflowOptions options = MeteringOptions.customerWorkflow("intake-it", subscription);
    options =
        WorkflowOptions.newBuilder(options)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder(options.getTypedSearchAttributes())
                    .set(MeteringSearchAttributes.AGREEMENT, "agmt-0reg")
                    .build())
            .build();
    CustomerMeteringWorkflow stub = client.newWorkflowStub(CustomerMeteringWorkflow.class, options);
    WorkflowClient.start(stub::run, CustomerMeteringInput.start(subscription));
    return options.getWorkflowId();
  }

  private static String agreementEvent(String detailType, String agreement, boolean named) {
    String product = named ? "\"product\":{\"id\":\"prod-1\",\"code\":\"" + PRODUCT + "\"}," : "";
    String license = named ? ",\"license\":{\"arn\":\"" + LICENSE + "\"}" : "";
    return "{\"version\":\"0\",\"id\":\"6a7e8feb-b491-4cf7-a9f1-bf3703467718\",\"detail-type\":\""
        + detailType
        + "\",\"source\":\"aws.agreement-marketplace\",\"account\":\"287250355862\",\"time\":\""
        + Instant.now()
        + "\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{\"requestId\":\"r-1\","
        + product
        + "\"agreement\":{\"id\":\""
        + agreement
        + "\",\"status\":\"ACTIVE\"},\"acceptor\":{\"accountId\":\""
        + ACCOUNT
        + "\"},\"proposer\":{\"accountId\":\"287250355862\"},\"offer\":{\"id\":\"offer-1\"}"
        + license
        + "}}";
  }

  private static boolean isRunning(WorkflowClient client, String id) {
    try {
      return client
              .newUntypedWorkflowStub(id)
              .describe()
              .getRawDescription()
              .getWorkflowExecutionInfo()
              .getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException | io.grpc.StatusRuntimeException e) {
      return false;
    }
  }

  private static boolean signalled(WorkflowClient client, String id) {
    return client.fetchHistory(id).getEvents().stream()
        .anyMatch(
            e ->
                e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
                    && e.getWorkflowExecutionSignaledEventAttributes()
                        .getSignalName()
                        .equals("unsubscribe"));
  }

  private static void awaitTrue(String what, BooleanSupplier condition, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(250);
    }
  }
}
