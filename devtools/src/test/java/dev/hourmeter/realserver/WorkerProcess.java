package dev.hourmeter.realserver;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hourmeter worker as users run it: {@code java -jar hourmeter-worker.jar worker}, in its own
 * process. The jar is the one operators deploy, the worker module's (built before this module).
 */
final class WorkerProcess implements AutoCloseable {

  static final Path WORKER_JAR =
      Path.of("..", "worker", "target", "hourmeter-worker.jar").toAbsolutePath().normalize();

  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static WorkerProcess start(String temporalAddress, String taskQueue, URI simulator, Path log)
      throws IOException {
    return start(temporalAddress, taskQueue, simulator, log, List.of(), Map.of());
  }

  /**
   * With {@code extraArgs} after the worker's own and {@code extraEnv} added to its environment.
   */
  static WorkerProcess start(
      String temporalAddress,
      String taskQueue,
      URI simulator,
      Path log,
      List<String> extraArgs,
      Map<String, String> extraEnv)
      throws IOException {
    if (!Files.exists(WORKER_JAR)) {
      throw new IllegalStateException(
          WORKER_JAR
              + " is missing: run through 'mvn verify' (the worker module is packaged first)");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx512m",
                "-jar",
                WORKER_JAR.toString(),
                "worker",
                "--address",
                temporalAddress,
                "--task-queue",
                taskQueue));
    command.addAll(extraArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    env.put("HOURMETER_METERING_ENDPOINT", simulator.toString());
    env.put("HOURMETER_ENTITLEMENT_ENDPOINT", simulator.toString());
    env.put("HOURMETER_CLOUDTRAIL_ENDPOINT", simulator.toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "simulator");
    env.put("AWS_SECRET_ACCESS_KEY", "simulator");
    env.putAll(extraEnv);
    return new WorkerProcess(builder.start(), log);
  }

  /** kill -9: no shutdown hook, no graceful completion of anything in flight. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** SIGTERM, then kill -9 after 15 s (at once when interrupted). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          kill();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
