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
import dev.hourmeter.workflows.model.api.PricingModel;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./hourmeter migrate} against the real Temporal server, the starter jar in its own process:
 * the migrated workflow is found by its license through the server's visibility query, so {@code
 * start} of that license starts nothing and another customer cannot be migrated to it; {@code
 * start} of a license is refused while the same product meters its account without one (running, or
 * closed in the hour the license's first period would begin in).
 */
class MigrateCommandIT {

  private static final Path WORK = Path.of("target", "migrate-it").toAbsolutePath();
  private static final Path STARTER_JAR =
      Path.of("..", "starter", "target", "hourmeter-starter.jar").toAbsolutePath().normalize();
  private static final String QUEUE = "hourmeter-migrate-it";
  private static final String ACCOUNT = "111122223333";
  private static final String LICENSE =
      "arn:aws:license-manager::111122223333:license/l-0123456789abcdef0123456789abcdef";
  private static final String OTHER_ACCOUNT = "444455556666";
  private static final String OTHER_LICENSE =
      "arn:aws:license-manager::444455556666:license/l-fedcba9876543210fedcba9876543210";
  private static final Duration VISIBILITY_WAIT = Duration.ofSeconds(15);

  record Run(int exitCode, String stdout, String stderr) {}

  @Test
  void aMigratedLicenseIsFoundThroughVisibilityAndNeverMeteredTwice() throws Exception {
    assertThat(STARTER_JAR).exists();
    deleteRecursively(WORK);
    try (TemporalCliDevServer server = TemporalDevServer.create(WORK, false);
        MarketplaceSimulator simulator =
            MarketplaceSimulator.builder()
                .port(0)
                .period(Duration.ofHours(1))
                .autoSubscribe(true)
                .build()) {
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
        start(client, "legacy-1");
        start(client, "legacy-2");
        String address = server.address();

        Run migrated =
            awaitRun(
                r -> r.exitCode() == 0,
                "migrate",
                "--address",
                address,
                "--product",
                "prod-m",
                "--customer",
                "legacy-1",
                "--aws-account-id",
                ACCOUNT,
                "--license-arn",
                LICENSE);
        assertThat(migrated.stdout()).startsWith("migrated metering/prod-m/legacy-1: records of");
        awaitRun(
            r -> r.exitCode() == 0 && r.stdout().contains("metering/prod-m/legacy-1"),
            "list",
            "--address",
            address,
            "--license",
            LICENSE);

        Run start =
            run(
                "start",
                "--address",
                address,
                "--task-queue",
                QUEUE,
                "--product",
                "prod-m",
                "--customer",
                ACCOUNT,
                "--license-arn",
                LICENSE,
                "--dimension",
                "requests");
        Run other =
            run(
                "migrate",
                "--address",
                address,
                "--product",
                "prod-m",
                "--customer",
                "legacy-2",
                "--aws-account-id",
                ACCOUNT,
                "--license-arn",
                LICENSE);
        Run status =
            run(
                "status",
                "--address",
                address,
                "--product",
                "prod-m",
                "--customer",
                ACCOUNT,
                "--license-arn",
                LICENSE);

        assertThat(start.exitCode()).as(start.toString()).isZero();
        assertThat(start.stdout())
            .startsWith("already running (migrated to this license): metering/prod-m/legacy-1");
        String licensedId = MeteringWorkflowIds.forCustomer("prod-m", ACCOUNT, LICENSE);
        try {
          client.newUntypedWorkflowStub(licensedId).describe();
          throw new AssertionError("a second workflow meters the license: " + licensedId);
        } catch (WorkflowNotFoundException expected) {
          // nothing was started
        }
        assertThat(other.exitCode()).as(other.toString()).isEqualTo(2);
        assertThat(other.stderr())
            .contains(
                "--license-arn: " + LICENSE + " is already metered by metering/prod-m/legacy-1");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout())
            .contains("workflow     metering/prod-m/legacy-1\n")
            .contains("identity     migrated ");

        // One identity per account-hour across workflows: a license of an account that the same
        // product meters without a license is refused, found through the visibility query; once
        // that workflow closed, still refused until the license's first period begins in a later
        // hour (the ExecutionStatus queries of closed runs).
        awayFromAnHourBoundary();
        String unlicensedId = MeteringWorkflowIds.forCustomer("prod-u", OTHER_ACCOUNT, null);
        start(client, "prod-u", CustomerId.parse(OTHER_ACCOUNT));
        awaitRun(
            r -> r.exitCode() == 0 && r.stdout().contains(unlicensedId),
            "list",
            "--address",
            address,
            "--product",
            "prod-u");
        Run whileRunning = startLicensed(address, "prod-u", OTHER_ACCOUNT, OTHER_LICENSE);
        client.newUntypedWorkflowStub(unlicensedId).terminate("test: closed by hand");
        awaitRun(
            r ->
                r.exitCode() == 0
                    && r.stdout().matches("(?s).*" + unlicensedId + " .*TERMINATED.*"),
            "list",
            "--address",
            address,
            "--product",
            "prod-u");
        Run afterClose = startLicensed(address, "prod-u", OTHER_ACCOUNT, OTHER_LICENSE);
        Instant closedAt =
            Instant.ofEpochSecond(
                client
                    .newUntypedWorkflowStub(unlicensedId)
                    .describe()
                    .getWorkflowExecutionInfo()
                    .getCloseTime()
                    .getSeconds());

        assertThat(whileRunning.exitCode()).as(whileRunning.toString()).isEqualTo(2);
        assertThat(whileRunning.stdout()).isEmpty();
        assertThat(whileRunning.stderr()) // after the JVM's warnings
            .contains(
                "not started: "
                    + unlicensedId
                    + " meters account "
                    + OTHER_ACCOUNT
                    + " of product prod-u without a license (ProductCode): AWS would bill every"
                    + " hour twice")
            .contains("./hourmeter migrate --product prod-u --customer " + OTHER_ACCOUNT);
        assertThat(afterClose.exitCode()).as(afterClose.toString()).isEqualTo(2);
        assertThat(afterClose.stderr())
            .contains("not started: " + unlicensedId + ", which metered account ")
            .contains(
                "start this license at or after "
                    + closedAt.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS));
        String licensedOtherId =
            MeteringWorkflowIds.forCustomer("prod-u", OTHER_ACCOUNT, OTHER_LICENSE);
        try {
          client.newUntypedWorkflowStub(licensedOtherId).describe();
          throw new AssertionError(
              "the license was started beside its account: " + licensedOtherId);
        } catch (WorkflowNotFoundException expected) {
          // nothing was started
        }
      } finally {
        assembly.close();
        connection.close();
      }
    }
  }

  private static void start(WorkflowClient client, String customer) {
    start(client, "prod-m", CustomerId.legacy(customer));
  }

  private static void start(WorkflowClient client, String product, CustomerId customer) {
    MeteringSubscription subscription =
        MeteringSubscription.of(
            product, customer, List.of("requests"), PricingModel.SUBSCRIPTION, Duration.ofHours(1));
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class, MeteringOptions.customerWorkflow(QUEUE, subscription));
    WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
  }

  private static Run startLicensed(String address, String product, String account, String license)
      throws Exception {
    return run(
        "start",
        "--address",
        address,
        "--task-queue",
        QUEUE,
        "--product",
        product,
        "--customer",
        account,
        "--license-arn",
        license,
        "--dimension",
        "requests");
  }

  /**
   * Waits, when the next hour begins within a minute, until it has: close and start in one hour.
   */
  private static void awayFromAnHourBoundary() throws InterruptedException {
    Instant now = Instant.now();
    Instant next = now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
    if (now.plusSeconds(60).isAfter(next)) {
      Thread.sleep(next.toEpochMilli() - now.toEpochMilli() + 100);
    }
  }

  /** Runs until {@code done} (visibility is eventually consistent) or 15 s pass. */
  private static Run awaitRun(java.util.function.Predicate<Run> done, String... args)
      throws Exception {
    Instant deadline = Instant.now().plus(VISIBILITY_WAIT);
    while (true) {
      Run run = run(args);
      if (done.test(run)) {
        return run;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("after " + VISIBILITY_WAIT + ": " + run);
      }
      Thread.sleep(500);
    }
  }

  /** {@code java -jar hourmeter-starter.jar ARGS} in its own process. */
  private static Run run(String... args) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(List.of(java, "-Xmx256m", "-jar", STARTER_JAR.toString()));
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile(WORK, "cli-", ".out");
    Path stderr = Files.createTempFile(WORK, "cli-", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    List.of("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "HOURMETER_TASK_QUEUE")
        .forEach(builder.environment()::remove);
    builder.environment().put("HOURMETER_TASK_QUEUE", QUEUE);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(List.of(args) + " did not finish within 60 s");
    }
    Run run = new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
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
