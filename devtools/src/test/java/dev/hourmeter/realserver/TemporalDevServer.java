package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.fail;

import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Temporal server for integration tests ({@link TemporalCliDevServer}). Where no {@code
 * temporal} binary exists the tests that need it are skipped with a message on a developer's
 * machine, and fail in CI (CI=true), where {@code .ci/run} installs it.
 */
final class TemporalDevServer {

  private TemporalDevServer() {}

  /**
   * A fresh server in {@code workDir} (database and logs of earlier runs removed), with the Web UI
   * when asked.
   */
  static TemporalCliDevServer create(Path workDir, boolean withUi) throws IOException {
    return TemporalCliDevServer.create(requireBinary(), workDir, withUi);
  }

  /** The {@code temporal} binary; the test is skipped (CI: fails) without one. */
  static Path requireBinary() {
    Path binary = TemporalCliDevServer.findBinary().orElse(null);
    if (binary == null) {
      String message =
          "no 'temporal' binary (set TEMPORAL_BIN or put it on PATH; .ci/run installs it with "
              + "scripts/install-test-tools.sh)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message + ": real-server tests cannot run in CI");
      }
      Assumptions.abort(message + ": real-server tests skipped");
    }
    return binary;
  }
}
