package dev.hourmeter.activities.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hourmeter.workflows.model.CustomerId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class JsonLinesUsageSourceTest {

  static final Instant FROM = Instant.parse("2026-11-26T10:00:00Z");
  static final Instant TO = Instant.parse("2026-11-26T11:00:00Z");
  static final CustomerId CUSTOMER = CustomerId.awsAccount("111122223333");

  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(JsonLinesUsageSource.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  static String line(
      String product, String customer, String dimension, long quantity, String timestamp) {
    return "{\"productCode\":\""
        + product
        + "\",\"customer\":\""
        + customer
        + "\",\"dimension\":\""
        + dimension
        + "\",\"quantity\":"
        + quantity
        + ",\"timestamp\":\""
        + timestamp
        + "\"}";
  }

  @Test
  void returnsTheCustomersEntriesInTheWindowAndSkipsMalformedLines() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    Files.writeString(
        file,
        String.join(
                "\n",
                "# usage exported by the billing job", // 1
                line("p", "111122223333", "requests", 5, "2026-11-26T10:15:00Z"), // 2 in
                "", // 3
                line("p", "111122223333", "requests", 7, "2026-11-26T10:59:59.999Z"), // 4 in
                line(
                    "p",
                    "111122223333",
                    "storage",
                    2,
                    "2026-11-26T10:00:00Z"), // 5 in (inclusive start)
                line(
                    "p",
                    "111122223333",
                    "requests",
                    100,
                    "2026-11-26T11:00:00Z"), // 6 out (exclusive end)
                line(
                    "p", "111122223333", "requests", 100, "2026-11-26T09:59:59Z"), // 7 out (before)
                line(
                    "p",
                    "999988887777",
                    "requests",
                    100,
                    "2026-11-26T10:15:00Z"), // 8 other customer
                line(
                    "other",
                    "111122223333",
                    "requests",
                    100,
                    "2026-11-26T10:15:00Z"), // 9 other product
                "{\"productCode\":\"p\",\"customer\":\"111122223333\"", // 10 broken JSON
                "{\"productCode\":\"p\",\"customer\":\"111122223333\",\"dimension\":\"requests\",\"quantity\":-1,"
                    + "\"timestamp\":\"2026-11-26T10:20:00Z\"}", // 11 negative
                "{\"productCode\":\"p\",\"customer\":\"111122223333\",\"dimension\":\"requests\",\"quantity\":1.1234567,"
                    + "\"timestamp\":\"2026-11-26T10:20:00Z\"}", // 12 seven decimals
                line("p", "111122223333", "requests", 1, "yesterday"), // 13 bad timestamp
                "[1,2,3]", // 14 not an object
                line(
                    "p",
                    "111122223333",
                    "requests",
                    11,
                    "2026-11-26T11:30:00+01:00"), // 15 in (offset)
                "   # indented comment")
            + "\n"); // 16

    JsonLinesUsageSource source = new JsonLinesUsageSource(file);
    List<UsageObservation> found = source.usageBetween("p", CUSTOMER, FROM, TO);

    assertThat(found)
        .containsExactly(
            new UsageObservation(
                "p", "111122223333", "requests", 5, Instant.parse("2026-11-26T10:15:00Z")),
            new UsageObservation(
                "p", "111122223333", "requests", 7, Instant.parse("2026-11-26T10:59:59.999Z")),
            new UsageObservation("p", "111122223333", "storage", 2, FROM),
            new UsageObservation(
                "p", "111122223333", "requests", 11, Instant.parse("2026-11-26T10:30:00Z")));
    assertThat(warnings()).hasSize(5);
    assertThat(warnings()).allSatisfy(w -> assertThat(w).contains(file.toString()));
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("line 10"));
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("line 11").contains("negative"));
    assertThat(warnings())
        .anySatisfy(w -> assertThat(w).contains("line 12").contains("decimal places"));
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("line 13").contains("timestamp"));
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("line 14"));

    // Read again: same answer, malformed lines are not warned about every period.
    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO)).hasSize(4);
    assertThat(warnings()).hasSize(5);
  }

  @Test
  void readsTheFileOnEveryCallSoAppendsAreSeen() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    Files.writeString(
        file, line("p", "111122223333", "requests", 1, "2026-11-26T10:01:00Z") + "\n");
    JsonLinesUsageSource source = new JsonLinesUsageSource(file);
    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO)).hasSize(1);

    // A writer mid-line: the unterminated, unparsable tail is skipped quietly.
    Files.writeString(
        file, "{\"productCode\":\"p\",\"cust", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO)).hasSize(1);
    assertThat(warnings()).isEmpty();

    Files.writeString(
        file,
        "omer\":\"111122223333\",\"dimension\":\"requests\",\"quantity\":4,"
            + "\"timestamp\":\"2026-11-26T10:02:00Z\"}\r\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO))
        .extracting(UsageObservation::quantity)
        .containsExactly(java.math.BigDecimal.ONE, java.math.BigDecimal.valueOf(4));
    assertThat(warnings()).isEmpty();
  }

  @Test
  void aMissingFileMeansNoUsageAndIsWarnedAboutOnce() throws IOException {
    Path file = dir.resolve("later.jsonl");
    JsonLinesUsageSource source = new JsonLinesUsageSource(file);

    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO)).isEmpty();
    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO)).isEmpty();
    assertThat(warnings()).singleElement().asString().contains(file.toString());

    Files.writeString(
        file, line("p", "111122223333", "requests", 3, "2026-11-26T10:05:00Z") + "\n");
    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO)).hasSize(1);
  }

  @Test
  void legacyCustomerIdentifiersMatchByValue() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    Files.writeString(file, line("p", "cust-XYZ", "requests", 3, "2026-11-26T10:05:00Z") + "\n");
    assertThat(
            new JsonLinesUsageSource(file)
                .usageBetween("p", CustomerId.legacy("cust-XYZ"), FROM, TO))
        .hasSize(1);
    assertThat(
            new JsonLinesUsageSource(file)
                .usageBetween("p", CustomerId.legacy("cust-xyz"), FROM, TO))
        .isEmpty();
  }

  @Test
  void aDirectoryIsAnErrorNotSilence() {
    JsonLinesUsageSource source = new JsonLinesUsageSource(dir);
    assertThatThrownBy(() -> source.usageBetween("p", CUSTOMER, FROM, TO))
        .hasMessageContaining(dir.toString());
  }
}
