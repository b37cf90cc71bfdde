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
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's probe: a customer workflow terminated from outside (the Temporal CLI, the Web UI, a
 * script) never runs again, so its {@code MeteringState} search attribute stays ACTIVE. Against the
 * real server (its visibility store answers the query), the starter jar in its own process: {@code
 * list --state ACTIVE} must not show it, {@code list} shows it TERMINATED, and {@code status} says
 * it was terminated.
 */
class TerminatedWorkflowIT {

  private static final Path WORK = Path.of("target", "terminated-it").toAbsolutePath();
  private static final Path STARTER_JAR =
      Path.of("..", "starter", "target", "hourmeter-starter.jar").toAbsolutePath().normalize();
  private static final String QUEUE = "hourmeter-terminated-it";
  private static final String PRODUCT = "prod-t";
  private static final Duration PERIOD = Duration.ofHours(1);
  private static final Duration VISIBILITY_WAIT = Duration.ofSeconds(15);

  private static final String KEPT = MeteringWorkflowIds.forCustomer(PRODUCT, "kept");
  private static final String TERMINATED = MeteringWorkflowIds.forCustomer(PRODUCT, "gone");

  /** What one run of the starter printed. */
  record Run(List<String> args, int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return args + " -> exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  @Test
  void aTerminatedCustomerIsNeitherListedNorShownAsActive() throws Exception {
    assertThat(STARTER_JAR).as("the shaded starter jar").exists();
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
        start(client, "kept");
        start(client, "gone");
        String address = server.address();
        // Both run and have upserted MeteringState=ACTIVE.
        await(
            List.of("list", "--address", address, "--product", PRODUCT, "--state", "ACTIVE"),
            run -> assertThat(run.stdout()).contains(KEPT).contains(TERMINATED));

        client.newUntypedWorkflowStub(TERMINATED).terminate("probe: terminated from the CLI");

        await(
            List.of(
                "list",
                "--address",
                address,
                "--verbose",
                "--product",
                PRODUCT,
                "--state",
                "ACTIVE"),
            run -> {
              assertThat(run.stdout()).contains(KEPT).doesNotContain(TERMINATED);
              assertThat(run.stderr()).contains("AND ExecutionStatus = 'Running'");
            });
        await(
            List.of("list", "--address", address, "--product", PRODUCT),
            run ->
                assertThat(run.stdout())
                    .containsPattern(Pattern.quote(TERMINATED) + " .* TERMINATED +Terminated")
                    .containsPattern(Pattern.quote(KEPT) + " .* ACTIVE +Running"));
        await(
            List.of(
                "list",
                "--address",
                address,
                "--product",
                PRODUCT,
                "--state",
                MeteringState.SUSPENDED.name()),
            run -> assertThat(run.stdout().strip()).isEqualTo("no metering workflows match"));

        Run status =
            starter(
                List.of(
                    "status", "--address", address, "--product", PRODUCT, "--customer", "gone"));
        assertThat(status.exitCode()).as("%s", status).isZero();
        assertThat(status.stdout())
            .as("%s", status)
            .contains("closed       Terminated at ")
            .contains("terminated: probe: terminated from the CLI")
            .contains(
                "state        TERMINATED (closed: it meters no more, though its MeteringState"
                    + " search attribute still says ACTIVE)");
        Run json =
            starter(
                List.of(
                    "status",
                    "--address",
                    address,
                    "--product",
                    PRODUCT,
                    "--customer",
                    "gone",
                    "--json"));
        assertThat(json.exitCode()).as("%s", json).isZero();
        assertThat(json.stdout())
            .as("%s", json)
            .contains("\"status\" : \"Terminated\"")
            .contains("\"state\" : \"TERMINATED\"");
      } finally {
        assembly.close();
        connection.close();
      }
    }
  }

  private static void start(WorkflowClient client, String customer) {
    MeteringSubscription subscription =
        new MeteringSubscription(
            PRODUCT,
            CustomerId.parse(customer),
            List.of("requests"),
            PricingModel.SUBSCRIPTION,
            PERIOD,
            MeteringTuning.builder(PERIOD).verifyDelay(Duration.ZERO).build());
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class, MeteringOptions.customerWorkflow(QUEUE, subscription));
    WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
  }

  /** Runs the starter until it exits 0 and passes {@code check} (visibility is eventual). */
  private static void await(List<String> args, Consumer<Run> check) throws Exception {
    Instant deadline = Instant.now().plus(VISIBILITY_WAIT);
    while (true) {
      Run run = starter(args);
      try {
        assertThat(run.exitCode()).as("exit code of %s", run).isZero();
        check.accept(run);
        return;
      } catch (AssertionError e) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError(
              "after " + VISIBILITY_WAIT + ": " + e.getMessage() + "\n" + run, e);
        }
      }
      Thread.sleep(500);
    }
  }

  /** {@code java -jar hourmeter-starter.jar ARGS} in its own process, as users run it. */
  private static Run starter(List<String> args) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(List.of(java, "-Xmx256m", "-jar", STARTER_JAR.toString()));
    command.addAll(args);
    Path stdout = Files.createTempFile(WORK, "starter-", ".out");
    Path stderr = Files.createTempFile(WORK, "starter-", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Arrays.asList(
            "TEMPORAL_ADDRESS",
            "TEMPORAL_NAMESPACE",
            "TEMPORAL_API_KEY",
            "TEMPORAL_TLS",
            "TEMPORAL_TLS_CERT",
            "TEMPORAL_TLS_KEY")
        .forEach(builder.environment()::remove);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(args + " did not finish within 60 s");
    }
    Run run =
        new Run(args, process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    Files.delete(stdout);
    Files.delete(stderr);
    return run;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
