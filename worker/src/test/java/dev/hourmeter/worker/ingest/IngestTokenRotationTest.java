package dev.hourmeter.worker.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hourmeter.client.usage.EventOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A token rotated over HTTP without a restart: the tokens file is edited while the API serves, a
 * new token is accepted within about a second, a removed one refused, and a file that becomes
 * empty, bad or unreadable keeps the last good set with a warning that shows no token.
 */
class IngestTokenRotationTest {

  private static final String OLD = "old-rotation-token-0123456789";
  private static final String NEW = "new-rotation-token-0123456789";
  private static final String NEXT = "next-rotation-token-012345678";
  private static final String ENV = "env-rotation-token-0123456789";
  private static final List<String> ALL = List.of(OLD, NEW, NEXT, ENV);

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private Path file;
  private IngestServer server;

  @BeforeEach
  void setUp() throws Exception {
    logs.start();
    root.addAppender(logs);
    file = dir.resolve("ingest-tokens");
    Files.writeString(file, "# the senders' token\n" + OLD + "\n");
    server =
        IngestServer.start(
            IngestSettings.plain(
                "127.0.0.1", 0, IngestTokenFile.load(file, IngestTokens.parse(ENV, "ENV"))),
            events -> events.stream().map(e -> EventOutcome.accepted(e.id())).toList(),
            new SimpleMeterRegistry());
  }

  @AfterEach
  void tearDown() {
    root.detachAppender(logs);
    server.close();
  }

  @Test
  void aTokenIsRotatedWithoutARestartAndABrokenFileKeepsTheLastGoodSet() throws Exception {
    assertThat(status(OLD)).isEqualTo(200);
    assertThat(status(NEW)).isEqualTo(401);
    assertThat(status(ENV)).isEqualTo(200);

    // 1. The new token is added: accepted within about a second, the old one still is.
    long added = System.nanoTime();
    write(OLD + "\n" + NEW + "\n");
    await(() -> status(NEW) == 200);
    long pickedUpMillis = (System.nanoTime() - added) / 1_000_000;
    assertThat(status(OLD)).isEqualTo(200);

    // 2. The senders moved: the old token is removed, and refused from then on.
    write(NEW + "\n");
    await(() -> status(OLD) == 401);
    assertThat(status(NEW)).isEqualTo(200);

    // 3. The file emptied by mistake, then given a bad entry, then removed: the last good set
    // stays, each problem warned about once.
    write("");
    await(() -> status(NEW) == 200 && warned("holds no token"));
    assertThat(status(NEW)).isEqualTo(200);
    assertThat(status(OLD)).isEqualTo(401);
    write(NEXT + "\nshort-one\n");
    await(() -> status(NEW) == 200 && warned("has a bad entry"));
    assertThat(status(NEW)).isEqualTo(200);
    assertThat(status(NEXT)).isEqualTo(401);
    Files.delete(file);
    await(() -> status(NEW) == 200 && warned("cannot be read"));
    assertThat(status(NEW)).isEqualTo(200);
    assertThat(warnings())
        .hasSize(3)
        .allMatch(m -> m.contains(file.toString()) && m.contains("keeping the 1 token(s)"));
    assertThat(warnings().get(1)).contains("entry 2: a token must have at least 16 characters");

    // 4. A good file again (replaced as a whole, as configuration tools do): in use.
    Path next = dir.resolve("ingest-tokens.new");
    Files.writeString(next, NEXT + "\n");
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
    await(() -> status(NEXT) == 200);
    assertThat(status(NEW)).isEqualTo(401);
    assertThat(status(ENV)).isEqualTo(200); // the variable's token throughout

    assertThat(logs.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> ALL.stream().anyMatch(m::contains));
    LoggerFactory.getLogger(IngestTokenRotationTest.class)
        .info("a new token was accepted {} ms after it was written", pickedUpMillis);
  }

  private boolean warned(String what) {
    return warnings().stream().anyMatch(m -> m.contains(what));
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .filter(e -> e.getLoggerName().equals(IngestTokenFile.class.getName()))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private void write(String content) throws Exception {
    Files.writeString(file, content);
  }

  private int status(String token) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(server.usageUrl())
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", IngestParser.JSON)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "[" + IngestParserTest.event("r-1", "1") + "]"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls (requests are what make the file be looked at) until {@code condition}, at most 10 s. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 10 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
