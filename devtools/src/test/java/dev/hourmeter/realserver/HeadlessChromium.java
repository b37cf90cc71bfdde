package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian's {@code chromium} package) driven over the Chrome DevTools Protocol
 * with only the JDK: {@code java.net.http} for the {@code /json/list} endpoint and the page's
 * WebSocket. No browser download, no Playwright. Where no Chromium exists the tests that need it
 * are skipped with a message on a developer's machine, and fail in CI (CI=true), where {@code
 * .ci/run} installs it.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  private HeadlessChromium(Process process, Path profile, String webSocketUrl, HttpClient http)
      throws Exception {
    this.process = process;
    this.profile = profile;
    this.socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(webSocketUrl), new Listener())
            .get(10, TimeUnit.SECONDS);
  }

  /** $CHROMIUM_BIN, /usr/bin/chromium, or chromium / chromium-browser / google-chrome on PATH. */
  static Optional<Path> findBinary() {
    String configured = System.getenv("CHROMIUM_BIN");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
      return Optional.of(Path.of("/usr/bin/chromium"));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** The binary, or skips the test (fails it when CI=true) with a message. */
  static Path requireBinary() {
    Path binary = findBinary().orElse(null);
    if (binary == null) {
      String message =
          "no Chromium (set CHROMIUM_BIN or install Debian's 'chromium'; .ci/run installs it with "
              + "scripts/install-test-tools.sh): browser tests skipped";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message.replace("skipped", "cannot run in CI"));
      }
      Assumptions.abort(message);
    }
    return binary;
  }

  /**
   * Starts headless Chromium on about:blank, its stdout and stderr (noisy, harmless) appended to
   * {@code log}.
   */
  static HeadlessChromium launch(Path binary, Path log) throws Exception {
    Path profile = Files.createTempDirectory("hourmeter-chromium-");
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--window-size=1400,1000",
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      Instant deadline = Instant.now().plusSeconds(30);
      while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
        if (!process.isAlive()) {
          throw new IOException(
              "chromium exited with " + process.exitValue() + " (see " + log + ")");
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IOException(
              "chromium wrote no DevToolsActivePort within 30 s (see " + log + ")");
        }
        Thread.sleep(50);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String webSocketUrl = null;
      while (webSocketUrl == null) {
        JsonNode targets =
            JSON.readTree(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/json/list"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
        for (JsonNode target : targets) {
          if ("page".equals(target.path("type").asText())
              && target.hasNonNull("webSocketDebuggerUrl")) {
            webSocketUrl = target.get("webSocketDebuggerUrl").asText();
            break;
          }
        }
        if (webSocketUrl == null) {
          if (Instant.now().isAfter(deadline)) {
            throw new IOException("chromium has no page target: " + targets);
          }
          Thread.sleep(100);
        }
      }
      HeadlessChromium chromium = new HeadlessChromium(process, profile, webSocketUrl, http);
      chromium.call("Page.enable", JSON.createObjectNode());
      return chromium;
    } catch (Exception | Error e) {
      stop(process);
      deleteRecursively(profile);
      throw e;
    }
  }

  /**
   * Navigates the page; the single-page app then renders asynchronously, so poll with {@link
   * #awaitText}.
   */
  void navigate(String url) throws Exception {
    JsonNode result = call("Page.navigate", JSON.createObjectNode().put("url", url));
    if (result.hasNonNull("errorText")) {
      throw new IOException(
          "navigation to " + url + " failed: " + result.get("errorText").asText());
    }
  }

  /** The rendered text of the page's top document ({@code document.body.innerText}). */
  String innerText() throws Exception {
    JsonNode result =
        call(
            "Runtime.evaluate",
            JSON.createObjectNode()
                .put("expression", "document.body ? document.body.innerText : ''")
                .put("returnByValue", true));
    return result.path("result").path("value").asText("");
  }

  /**
   * Polls {@link #innerText} until {@code done} accepts it or {@code timeout} passes; returns the
   * last text.
   */
  String awaitText(Predicate<String> done, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    String text = innerText();
    while (!done.test(text) && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
      text = innerText();
    }
    return text;
  }

  /**
   * Sets the page's viewport (CSS pixels). The Temporal UI scrolls inside its own container, so a
   * full-page capture shows no more than the viewport: a tall viewport is what puts more of a page
   * in a screenshot.
   */
  void viewport(int width, int height) throws Exception {
    call(
        "Emulation.setDeviceMetricsOverride",
        JSON.createObjectNode()
            .put("width", width)
            .put("height", height)
            .put("deviceScaleFactor", 1)
            .put("mobile", false));
  }

  /** A PNG of the viewport, written to {@code file} (parent directories created). */
  Path screenshot(Path file) throws Exception {
    ObjectNode params = JSON.createObjectNode().put("format", "png");
    JsonNode result = call("Page.captureScreenshot", params);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(result.get("data").asText()));
    return file;
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    try {
      socket
          .sendText(JSON.writeValueAsString(message), true)
          .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      JsonNode reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (reply.has("error")) {
        throw new IOException(method + " failed: " + reply.get("error"));
      }
      return reply.path("result");
    } finally {
      pending.remove(id);
    }
  }

  /**
   * Collects (possibly fragmented) text frames and completes the call whose id the message answers.
   */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String text = buffer.toString();
        buffer.setLength(0);
        try {
          JsonNode message = JSON.readTree(text);
          if (message.has("id")) { // events (no id) are not needed
            CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
            if (answer != null) {
              answer.complete(message);
            }
          }
        } catch (IOException e) {
          failAll(e);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      failAll(new IOException("DevTools connection closed: " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      failAll(error);
    }

    private void failAll(Throwable error) {
      pending.values().forEach(answer -> answer.completeExceptionally(error));
    }
  }

  @Override
  public void close() throws IOException {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      socket.abort();
    } finally {
      stop(process);
      deleteRecursively(profile);
    }
  }

  /**
   * SIGTERM to Chromium (it ends its own renderer, GPU and zygote children), then SIGKILL to
   * whatever is left.
   */
  private static void stop(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // Chromium may still be writing into its profile while it exits; a temp dir left behind is
      // harmless.
    }
  }
}
