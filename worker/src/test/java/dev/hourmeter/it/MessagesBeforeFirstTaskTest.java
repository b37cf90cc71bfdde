package dev.hourmeter.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A signal and an update that reach a customer workflow before any worker has run its first task
 * are handled in that first task, before {@code run()} starts. They must find the workflow's state
 * already built.
 */
class MessagesBeforeFirstTaskTest {

  private static final String QUEUE = "messages-before-first-task";

  @Test
  void aSignalAndAnUpdateSentBeforeTheFirstWorkflowTaskAreKept() throws Exception {
    TestEnvironmentOptions.Builder options = TestEnvironmentOptions.newBuilder();
    MeteringSearchAttributes.ALL.forEach(options::registerSearchAttribute);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options.build())) {
      env.newWorker(QUEUE).registerWorkflowImplementationTypes(CustomerMeteringWorkflowImpl.class);
      MeteringSubscription subscription =
          MeteringSubscription.of(
              "prod-early",
              CustomerId.parse("cust-early"),
              List.of("requests"),
              PricingModel.SUBSCRIPTION,
              Duration.ofHours(1));
      CustomerMeteringWorkflow starter =
          env.getWorkflowClient()
              .newWorkflowStub(
                  CustomerMeteringWorkflow.class,
                  MeteringOptions.customerWorkflow(QUEUE, subscription));
      WorkflowClient.start(starter::run, CustomerMeteringInput.start(subscription));
      CustomerMeteringWorkflow workflow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  CustomerMeteringWorkflow.class,
                  MeteringWorkflowIds.forCustomer(
                      subscription.productCode(), subscription.customer()));

      workflow.recordUsage(new UsageReport("signal-1", List.of(UsageEntry.now("requests", 3))));
      CompletableFuture<UsageReceipt> update =
          CompletableFuture.supplyAsync(
              () ->
                  workflow.reportUsage(
                      new UsageReport("update-1", List.of(UsageEntry.now("requests", 4)))));
      Thread.sleep(300); // let the update reach the server while no worker polls
      env.start();

      assertThat(update.get(20, TimeUnit.SECONDS).duplicate()).isFalse();
      MeteringStatus status = workflow.status();
      assertThat(status.openPeriodUsage()).isEqualTo(Map.of("requests", BigDecimal.valueOf(7)));
      assertThat(status.rejectedReports()).isEmpty();
    }
  }
}
