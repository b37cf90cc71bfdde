package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.fail;

import dev.hourmeter.workflows.MeteringSearchAttributes;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Temporal server our users run, as the Temporal CLI's dev server ({@code temporal server
 * start-dev}) in its own process, persisting to a SQLite file so that it can be stopped and restarted.
 * Where no {@code temporal} binary exists the tests that need it are skipped with a message on a developer's
 * machine, and fail in CI (CI=true), where {@code .ci/run} installs it.
 */
final class TemporalDevServer implements AutoCloseable {

  private final Path binary;
  private final Path database;
  private final Path log;
  private final int port;
  private final Integer uiPort;
  private Process process;

  private TemporalDevServer(Path binary, Path database, Path log, int port, Integer uiPort) {
    this.binary = binary;
    this.database = database;
    this.log = log;
    this.port = port;
    this.uiPort = uiPort;
  }

  /** A server on free loopback ports, with the Web UI when {@code withUi}; skipped or failed if no binary. */
  static TemporalDevServer create(Path workDir, boolean withUi) throws IOException {
    Path binary = findBinary().orElse(null);
    if (binary == null) {
      String message = "no 'temporal' binary (set TEMPORAL_BIN or put it on PATH; .ci/run installs it with "
          + "scripts/install-test-tools.sh): real-server tests skipped";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message.replace("skipped", "cannot run in CI"));
      }
      Assumptions.abort(message);
    }
    Files.createDirectories(workDir);
    try (var files = Files.list(workDir)) {
      for (Path file : files.toList()) { // a fresh server: no database or logs of an earlier run
        if (Files.isRegularFile(file)) {
          Files.delete(file);
        }
      }
    }
    return new TemporalDevServer(binary, workDir.resolve("temporal.db"), workDir.resolve("temporal.log"),
        freePort(), withUi ? freePort() : null);
  }

  static Optional<Path> findBinary() {
    String configured = System.getenv("TEMPORAL_BIN");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "temporal");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Starts (or restarts, on the same database file) and waits until the frontend answers. */
  TemporalDevServer start() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "server", "start-dev",
        "--ip", "127.0.0.1", "--port", Integer.toString(port), "--db-filename", database.toString(),
        "--namespace", "default", "--log-level", "warn"));
    MeteringSearchAttributes.ALL.keySet().stream().sorted()
        .forEach(name -> command.addAll(List.of("--search-attribute", name + "=Keyword")));
    if (uiPort == null) {
      command.add("--headless");
    } else {
      command.addAll(List.of("--ui-ip", "127.0.0.1", "--ui-port", uiPort.toString(), "--ui-disable-news-fetch"));
    }
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    awaitHealthy(Duration.ofSeconds(90));
    return this;
  }

  /** Stops gracefully (SIGTERM), killing after 20 s. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  String uiUrl() {
    return "http://127.0.0.1:" + uiPort;
  }

  Path log() {
    return log;
  }

  private void awaitHealthy(Duration timeout) throws InterruptedException, IOException {
    Instant deadline = Instant.now().plus(timeout);
    Exception last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("temporal dev server exited with " + process.exitValue() + ":\n" + tail());
      }
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
      try {
        stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
            .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        return;
      } catch (RuntimeException e) {
        last = e;
      } finally {
        stubs.shutdownNow();
      }
      Thread.sleep(250);
    }
    throw new IOException("temporal dev server not healthy after " + timeout + " (" + last + "):\n" + tail());
  }

  private String tail() throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
