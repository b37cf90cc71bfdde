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
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./hourmeter list} against the real Temporal server: the starter jar, run as users run it
 * in its own process, filters by product and state through the server's visibility query on the
 * Metering* search attributes (not the open/closed fallback used for the in-process server).
 */
class ListCommandIT {

  private static final Path WORK = Path.of("target", "list-it").toAbsolutePath();
  private static final Path STARTER_JAR =
      Path.of("..", "starter", "target", "hourmeter-starter.jar").toAbsolutePath().normalize();
  private static final String QUEUE = "hourmeter-list-it";
  private static final Duration PERIOD = Duration.ofHours(1);
  private static final Duration VISIBILITY_WAIT = Duration.ofSeconds(15);

  private static final String A1 = MeteringWorkflowIds.forCustomer("prod-a", "a1");
  private static final String A2 = MeteringWorkflowIds.forCustomer("prod-a", "a2");
  private static final String A3 = MeteringWorkflowIds.forCustomer("prod-a", "a3");
  private static final String B1 = MeteringWorkflowIds.forCustomer("prod-b", "b1");

  /** What one run of the starter printed. */
  record Run(List<String> args, int exitCode, String stdout, String stderr) {

    /** The workflow ids of the table's rows. */
    Set<String> workflowIds() {
      Set<String> ids = new TreeSet<>();
      for (String line : stdout.split("\\R")) {
        String trimmed = line.strip();
        if (trimmed.startsWith(MeteringWorkflowIds.PREFIX)) {
          ids.add(trimmed.split("\\s+")[0]);
        }
      }
      return ids;
    }

    @Override
    public String toString() {
      return "list "
          + args
          + " -> exit "
          + exitCode
          + "\n--- stdout\n"
          + stdout
          + "--- stderr\n"
          + stderr;
    }
  }

  @Test
  void listFiltersByProductAndStateThroughTheServersVisibility() throws Exception {
    assertThat(STARTER_JAR)
        .as("the shaded starter jar (the parent pom builds starter before worker)")
        .exists();
    deleteRecursively(
        WORK); // a fresh database: workflows left running by an earlier run would clash
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

        start(client, "prod-a", "a1");
        start(client, "prod-a", "a2");
        start(client, "prod-a", "a3");
        start(client, "prod-b", "b1");
        client.newWorkflowStub(CustomerMeteringWorkflow.class, A3).unsubscribe();
        WorkflowStub.fromTyped(client.newWorkflowStub(CustomerMeteringWorkflow.class, A3))
            .getResult(60, TimeUnit.SECONDS, Void.class);

        String address = server.address();
        awaitList(
            List.of("--address", address, "--verbose", "--product", "prod-a", "--state", "ACTIVE"),
            run -> {
              assertThat(run.workflowIds()).containsExactlyInAnyOrder(A1, A2);
              assertThat(run.stderr())
                  .contains(
                      "visibility query: WorkflowType = 'CustomerMetering'"
                          + " AND MeteringProduct = 'prod-a' AND MeteringState = 'ACTIVE'"
                          + " AND ExecutionStatus = 'Running'");
            });
        awaitList(
            List.of("--address", address, "--verbose", "--product", "prod-a", "--state", "ENDED"),
            run -> {
              assertThat(run.workflowIds()).containsExactly(A3);
              assertThat(run.stdout()).contains("ENDED").contains("Completed");
              assertThat(run.stderr())
                  .contains(
                      "visibility query: WorkflowType = 'CustomerMetering'"
                          + " AND MeteringProduct = 'prod-a' AND MeteringState = 'ENDED'");
            });
        awaitList(
            List.of("--address", address, "--verbose", "--product", "prod-b"),
            run -> {
              assertThat(run.workflowIds()).containsExactly(B1);
              assertThat(run.stderr())
                  .contains(
                      "visibility query: WorkflowType = 'CustomerMetering'"
                          + " AND MeteringProduct = 'prod-b'");
            });
        awaitList(
            List.of("--address", address, "--verbose"),
            run -> {
              assertThat(run.workflowIds()).containsExactlyInAnyOrder(A1, A2, A3, B1);
              assertThat(run.stderr())
                  .contains("visibility query: WorkflowType = 'CustomerMetering'")
                  .doesNotContain("AND")
                  .doesNotContain("not supported");
            });
        // Without --verbose nothing but the table: stderr stays quiet.
        awaitList(
            List.of("--address", address, "--state", "ENDED"),
            run -> {
              assertThat(run.workflowIds()).containsExactly(A3);
              assertThat(run.stderr()).doesNotContain("visibility query");
            });
      } finally {
        assembly.close();
        connection.close();
      }
    }
  }

  private static void start(WorkflowClient client, String product, String customer) {
    MeteringSubscription subscription =
        new MeteringSubscription(
            product,
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

  /**
   * Runs {@code list} until the run exits 0 and passes {@code check}: visibility is eventually
   * consistent, so a new start, search-attribute upsert or completion may take a moment to show.
   */
  private static void awaitList(List<String> args, Consumer<Run> check) throws Exception {
    Instant deadline = Instant.now().plus(VISIBILITY_WAIT);
    while (true) {
      Run run = list(args);
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

  /** {@code java -jar hourmeter-starter.jar list ARGS} in its own process, as users run it. */
  private static Run list(List<String> args) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(List.of(java, "-Xmx256m", "-jar", STARTER_JAR.toString(), "list"));
    command.addAll(args);
    Path stdout = Files.createTempFile(WORK, "list-", ".out");
    Path stderr = Files.createTempFile(WORK, "list-", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    // The connection comes from the flags only.
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
      throw new AssertionError(
          "list "
              + args
              + " did not finish within 60 s:\n"
              + Files.readString(stdout)
              + Files.readString(stderr));
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
