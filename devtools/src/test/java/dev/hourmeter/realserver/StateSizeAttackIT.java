package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.TemporalConnectionSettings;
import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.worker.WorkerAssembly;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.WorkerSettings;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.state.PayloadBudget;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowQueryRejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13 finding 1 against the real Temporal server: three 1.5 MB signals with 10,000-character
 * dimension names and 50 reports of 1,000 misspelled entries used to make {@code status} fail
 * (gRPC's 4 MB limit) and the next continue-as-new terminate the workflow (GrpcMessageTooLarge).
 * Now the workflow continues as new, keeps running, and {@code status} answers.
 */
class StateSizeAttackIT {

  private static final Logger log = LoggerFactory.getLogger(StateSizeAttackIT.class);
  private static final Path WORK = Path.of("target", "state-size-it").toAbsolutePath();
  private static final String QUEUE = "hourmeter-state-size-it";
  private static final Duration PERIOD = Duration.ofSeconds(10);

  @Test
  void badSignalsCannotEndACustomersMetering() throws Exception {
    deleteRecursively(WORK);
    try (TemporalCliDevServer server = TemporalDevServer.create(WORK, false);
        MarketplaceSimulator simulator =
            MarketplaceSimulator.builder().port(0).period(PERIOD).autoSubscribe(true).build()) {
      simulator.start();
      server.start();
      TemporalConnection connection =
          TemporalConnection.open(
              TemporalConnectionSettings.local(server.address(), "default", QUEUE));
      WorkflowClient client = connection.client();
      WorkerAssembly assembly =
          WorkerAssembly.builder(
                  WorkerSettings.defaults(AwsEndpoints.forSimulator(simulator.endpoint())))
              .build();
      try {
        assembly.startWorker(client, QUEUE);
        MeteringSubscription subscription =
            new MeteringSubscription(
                "prod-size",
                CustomerId.parse("attacked"),
                List.of("requests"),
                PricingModel.SUBSCRIPTION,
                PERIOD,
                MeteringTuning.builder(PERIOD)
                    .verifyDelay(Duration.ZERO)
                    .continueAsNewAfterPeriods(1)
                    .build());
        CustomerMeteringWorkflow workflow =
            client.newWorkflowStub(
                CustomerMeteringWorkflow.class,
                MeteringOptions.customerWorkflow(QUEUE, subscription));
        WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
        String id = MeteringWorkflowIds.forCustomer("prod-size", CustomerId.parse("attacked"));
        CustomerMeteringWorkflow stub = client.newWorkflowStub(CustomerMeteringWorkflow.class, id);

        String longName = "d".repeat(10_000);
        for (int i = 0; i < 3; i++) {
          stub.recordUsage(
              new UsageReport(
                  "huge-" + i, Collections.nCopies(150, UsageEntry.now(longName + i, 1))));
        }
        for (int i = 0; i < 50; i++) {
          stub.recordUsage(
              new UsageReport(
                  "typo-" + i, Collections.nCopies(1000, UsageEntry.now("requestz", 1))));
        }
        stub.recordUsage(new UsageReport("good", List.of(UsageEntry.now("requests", 7))));

        MeteringStatus status = awaitStatus(stub);
        log.info("status after the attack: {} bytes", PayloadBudget.sizeOf(status));
        assertThat(status.counters().rejectedReports()).isEqualTo(53);

        // Continue-as-new after the first close; then once more, to carry the checkpoint twice.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (stub.status().counters().runs() < 3 && Instant.now().isBefore(deadline)) {
          Thread.sleep(500);
        }
        MeteringStatus after = stub.status();
        assertThat(after.counters().runs()).as("continued as new twice").isGreaterThanOrEqualTo(3);
        assertThat(after.counters().rejectedReports()).isEqualTo(53);
        assertThat(after.rejectedReports()).hasSize(50);
        assertThat(after.counters().reportsAccepted()).isEqualTo(1);
        assertThat(
                client.newUntypedWorkflowStub(id).describe().getWorkflowExecutionInfo().getStatus())
            .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        int checkpointBytes =
            client
                .fetchHistory(id)
                .getEvents()
                .get(0)
                .getWorkflowExecutionStartedEventAttributes()
                .getInput()
                .getSerializedSize();
        log.info(
            "status after {} runs: {} bytes; continue-as-new input: {} bytes",
            after.counters().runs(),
            PayloadBudget.sizeOf(after),
            checkpointBytes);
        assertThat(checkpointBytes).isLessThan(PayloadBudget.CHECKPOINT_BYTES);
      } finally {
        assembly.close();
        connection.close();
      }
    }
  }

  /**
   * The first status answer: on a loaded machine the first workflow task can trip the SDK's 1 s
   * deadlock detector while classes load, and the server refuses queries until the retried task
   * succeeds.
   */
  private static MeteringStatus awaitStatus(CustomerMeteringWorkflow stub)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      try {
        return stub.status();
      } catch (WorkflowQueryRejectedException e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
