package dev.hourmeter.devtools.temporal;

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

/**
 * The real Temporal server, as the Temporal CLI's dev server ({@code temporal server start-dev}) in
 * its own process on loopback, persisting to a SQLite file so that it can be stopped and restarted,
 * with hourmeter's search attributes registered. Used by {@code dev}, {@code bench} and the
 * real-server tests.
 */
public final class TemporalCliDevServer implements AutoCloseable {

  private final Path binary;
  private final Path database;
  private final Path log;
  private final int port;
  private final Integer uiPort;
  private boolean tiedToThisProcess;
  private Process process;

  /**
   * A POSIX shell that runs the server and stops it (SIGTERM) once its standard input closes: when
   * {@link #stop()} closes it, or when this JVM dies however it dies, so no server outlives it. The
   * shell exits with the server, so a server that fails to start is seen at once.
   */
  private static final String TIE =
      "exec 3<&0; \"$@\" </dev/null & server=$!;"
          + " { cat <&3 >/dev/null; kill $server 2>/dev/null; } & wait $server";

  /**
   * A server on free loopback ports whose database and log live in {@code workDir} (emptied first,
   * so every run starts fresh); with the Web UI when {@code withUi}.
   */
  public static TemporalCliDevServer create(Path binary, Path workDir, boolean withUi)
      throws IOException {
    Files.createDirectories(workDir);
    try (var files = Files.list(workDir)) {
      for (Path file : files.toList()) {
        if (Files.isRegularFile(file)) {
          Files.delete(file);
        }
      }
    }
    return new TemporalCliDevServer(
        binary,
        workDir.resolve("temporal.db"),
        workDir.resolve("temporal.log"),
        freePort(),
        withUi ? freePort() : null);
  }

  /**
   * A server on the given loopback ports (the Web UI on {@code uiPort}, none when null) whose
   * database and log live in {@code workDir}, which must be empty or new.
   */
  public static TemporalCliDevServer onPorts(Path binary, Path workDir, int port, Integer uiPort)
      throws IOException {
    Files.createDirectories(workDir);
    return new TemporalCliDevServer(
        binary, workDir.resolve("temporal.db"), workDir.resolve("temporal.log"), port, uiPort);
  }

  private TemporalCliDevServer(Path binary, Path database, Path log, int port, Integer uiPort) {
    this.binary = binary;
    this.database = database;
    this.log = log;
    this.port = port;
    this.uiPort = uiPort;
  }

  /**
   * Runs the server in a session of its own (with {@code setsid}, where there is one), so that a
   * terminal's Ctrl-C reaches only this JVM, which stops it last; and stops it when this JVM exits,
   * even when killed. For {@code dev}; must be called before {@link #start()}.
   */
  public TemporalCliDevServer tiedToThisProcess() {
    this.tiedToThisProcess = true;
    return this;
  }

  /** {@code TEMPORAL_BIN}, else {@code temporal} on the PATH. */
  public static Optional<Path> findBinary() {
    String configured = System.getenv("TEMPORAL_BIN");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    return onPath("temporal");
  }

  private static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Starts (or restarts, on the same database file) and waits until the frontend answers. */
  public TemporalCliDevServer start() throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--db-filename",
                database.toString(),
                "--namespace",
                "default",
                "--log-level",
                "warn",
                // WAL keeps every commit across a crash of the server process (what the crash test
                // does) and multiplies
                // the dev server's throughput on small machines; only an OS crash could lose the
                // last commits.
                "--sqlite-pragma",
                "journal_mode=wal",
                "--sqlite-pragma",
                "synchronous=normal"));
    MeteringSearchAttributes.ALL.keySet().stream()
        .sorted()
        .forEach(name -> command.addAll(List.of("--search-attribute", name + "=Keyword")));
    if (uiPort == null) {
      command.add("--headless");
    } else {
      command.addAll(
          List.of(
              "--ui-ip", "127.0.0.1", "--ui-port", uiPort.toString(), "--ui-disable-news-fetch"));
    }
    if (tiedToThisProcess) {
      List<String> tied = new ArrayList<>();
      onPath("setsid").ifPresent(setsid -> tied.add(setsid.toString()));
      tied.addAll(List.of("/bin/sh", "-c", TIE, "sh"));
      tied.addAll(command);
      command.clear();
      command.addAll(tied);
    }
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    awaitHealthy(Duration.ofSeconds(90));
    return this;
  }

  /** Stops gracefully (SIGTERM), killing after 20 s. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      if (tiedToThisProcess) {
        try {
          process.getOutputStream().close(); // the shell then stops the server and waits for it
        } catch (IOException e) {
          process.destroy();
        }
      } else {
        process.destroy();
      }
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  public String uiUrl() {
    return "http://127.0.0.1:" + uiPort;
  }

  public Path log() {
    return log;
  }

  private void awaitHealthy(Duration timeout) throws InterruptedException, IOException {
    Instant deadline = Instant.now().plus(timeout);
    Exception last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(
            "temporal dev server exited with " + process.exitValue() + ":\n" + tail());
      }
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(address()).build());
      try {
        stubs
            .blockingStub()
            .withDeadlineAfter(2, TimeUnit.SECONDS)
            .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        return;
      } catch (RuntimeException e) {
        last = e;
      } finally {
        stubs.shutdownNow();
      }
      Thread.sleep(250);
    }
    throw new IOException(
        "temporal dev server not healthy after " + timeout + " (" + last + "):\n" + tail());
  }

  private String tail() throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  /** Stops the server; an interrupt while waiting for it to exit is kept on the thread. */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
