package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A python with boto3 for the interoperability test: {@code HOURMETER_BOTO3_PYTHON}, else the
 * virtualenv {@code scripts/install-test-tools.sh} creates ({@code
 * $HOURMETER_TOOLS_DIR/boto3-venv}, default {@code /opt/hourmeter-tools}), else {@code python3} or
 * {@code python} on the PATH, whichever imports boto3 first. Where none does the test is skipped
 * with a message on a developer's machine, and fails in CI (CI=true).
 */
final class Boto3Python {

  private static final long TIMEOUT_SECONDS = 120;

  record Run(int exitCode, String stdout, String stderr) {}

  private Boto3Python() {}

  static Path require() {
    Optional<Path> python = find();
    if (python.isEmpty()) {
      String message =
          "no python with boto3 (set HOURMETER_BOTO3_PYTHON; scripts/install-test-tools.sh installs"
              + " boto3 into $HOURMETER_TOOLS_DIR/boto3-venv)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message + ": the boto3 test cannot run in CI");
      }
      Assumptions.abort(message + ": boto3 test skipped");
    }
    return python.get();
  }

  static Optional<Path> find() {
    List<String> candidates = new ArrayList<>();
    String explicit = System.getenv("HOURMETER_BOTO3_PYTHON");
    if (explicit != null && !explicit.isBlank()) {
      candidates.add(explicit);
    }
    String toolsDir = System.getenv().getOrDefault("HOURMETER_TOOLS_DIR", "/opt/hourmeter-tools");
    candidates.add(Path.of(toolsDir, "boto3-venv", "bin", "python").toString());
    candidates.add("python3");
    candidates.add("python");
    for (String candidate : candidates) {
      try {
        if (run(Path.of(candidate), List.of("-c", "import boto3")).exitCode() == 0) {
          return Optional.of(Path.of(candidate));
        }
      } catch (IOException e) {
        // not there: try the next
      }
    }
    return Optional.empty();
  }

  /** Runs python with {@code args}, without the AWS settings of the environment. */
  static Run run(Path python, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(python.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_CONFIG_FILE", "/dev/null");
    env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    Path stderr = Files.createTempFile("boto3-", ".err");
    builder.redirectError(stderr.toFile());
    Process process = builder.start();
    try {
      byte[] stdout = process.getInputStream().readAllBytes();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command + " did not finish in " + TIMEOUT_SECONDS + "s");
      }
      return new Run(
          process.exitValue(),
          new String(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(stderr);
    }
  }
}
