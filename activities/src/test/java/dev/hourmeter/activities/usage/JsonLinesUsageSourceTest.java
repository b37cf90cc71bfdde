package dev.hourmeter.activities.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.LoggerFactory;

// Alone, not beside other test classes: it reads every warning JsonLinesUsageSource's logger
// writes.
@Isolated
class JsonLinesUsageSourceTest {

  static final Instant FROM = Instant.parse("2026-11-26T10:00:00Z");
  static final Instant TO = Instant.parse("2026-11-26T11:00:00Z");
  static final CustomerId CUSTOMER = CustomerId.awsAccount("111122223333");

  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
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

    JsonLinesUsageSource source =
        new JsonLinesUsageSource(file, JsonLinesUsageSource.DEFAULT_RETENTION, registry);

    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO))
        .containsExactly(
            Map.entry("requests", new DimensionTotal(java.math.BigDecimal.valueOf(5 + 7 + 11), 3)),
            Map.entry("storage", new DimensionTotal(java.math.BigDecimal.valueOf(2), 1)));
    assertThat(warnings()).hasSize(5);
    assertThat(warnings()).allSatisfy(w -> assertThat(w).contains(file.toString()));
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("line 10"));
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("line 11").contains("negative"));
    assertThat(warnings())
        .anySatisfy(w -> assertThat(w).contains("line 12").contains("decimal places"));
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("line 13").contains("timestamp"));
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("line 14"));

    // Read again: same answer, malformed lines are not warned about every period.
    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO))
        .containsEntry("requests", new DimensionTotal(java.math.BigDecimal.valueOf(23), 3));
    assertThat(warnings()).hasSize(5);
    assertThat(registry.counter(JsonLinesUsageSource.LINES_METRIC, "outcome", "malformed").count())
        .isEqualTo(5);
    assertThat(registry.counter(JsonLinesUsageSource.LINES_METRIC, "outcome", "accepted").count())
        .isEqualTo(8);
  }

  @Test
  void appendsAreSeenAndAPartialLineWaitsForItsNewline() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    Files.writeString(
        file, line("p", "111122223333", "requests", 1, "2026-11-26T10:01:00Z") + "\n");
    JsonLinesUsageSource source = new JsonLinesUsageSource(file);
    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO))
        .containsExactly(Map.entry("requests", new DimensionTotal(java.math.BigDecimal.ONE, 1)));

    // A writer mid-line: the unterminated tail waits, quietly.
    Files.writeString(
        file, "{\"productCode\":\"p\",\"cust", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO))
        .containsExactly(Map.entry("requests", new DimensionTotal(java.math.BigDecimal.ONE, 1)));
    assertThat(warnings()).isEmpty();

    Files.writeString(
        file,
        "omer\":\"111122223333\",\"dimension\":\"requests\",\"quantity\":4,"
            + "\"timestamp\":\"2026-11-26T10:02:00Z\"}\r\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO))
        .containsExactly(
            Map.entry("requests", new DimensionTotal(java.math.BigDecimal.valueOf(5), 2)));
    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO))
        .containsExactly(new UsageObservation("p", "111122223333", "requests", 5, FROM));
    assertThat(warnings()).isEmpty();
  }

  /**
   * Issue 19: a line above the per-entry limit was accepted and billed as OVER_MAX for ever; it is
   * refused by the update's rule, logged, and counted for its customer's collect.
   */
  @Test
  void aLineAboveThePerEntryLimitIsRefusedLoggedAndCountedForItsCustomer() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    Files.writeString(
        file,
        line("p", "111122223333", "requests", 1, "2026-11-26T10:01:00Z")
            + "\n"
            + line("p", "111122223333", "requests", 2, "2026-11-26T10:02:00Z")
                .replace("\"quantity\":2", "\"quantity\":1e30")
            + "\n"
            + line("p", "111122223333", "requests", 101, "2026-11-26T10:01:00Z")
            + "\n");
    JsonLinesUsageSource source =
        new JsonLinesUsageSource(file, JsonLinesUsageSource.DEFAULT_RETENTION, registry, 100);

    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO))
        .containsExactly(
            Map.entry("requests", new DimensionTotal(java.math.BigDecimal.ONE, 1, Map.of(), 2)));
    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO))
        .containsExactly(new UsageObservation("p", "111122223333", "requests", 1, FROM));
    assertThat(registry.counter(JsonLinesUsageSource.LINES_METRIC, "outcome", "over_limit").count())
        .isEqualTo(2);
    assertThat(registry.counter(JsonLinesUsageSource.LINES_METRIC, "outcome", "accepted").count())
        .isEqualTo(1);
    assertThat(warnings())
        .hasSize(2)
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("line 2")
                    .contains("'quantity': must be at most 100 per entry"))
        .anySatisfy(w -> assertThat(w).contains("line 3").contains("got 101"));
  }

  @Test
  void linesOlderThanTheRetentionAreCountedExpiredAndForgotten() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    Files.writeString(
        file,
        line("p", "111122223333", "requests", 1, "2026-11-26T10:01:00Z")
            + "\n"
            + line("p", "111122223333", "requests", 2, "2026-11-25T08:00:00Z")
            + "\n");
    JsonLinesUsageSource source = new JsonLinesUsageSource(file, Duration.ofHours(25), registry);

    // The newest range asked for ends at 11:00: the horizon is 10:00 the day before.
    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO))
        .containsExactly(Map.entry("requests", new DimensionTotal(java.math.BigDecimal.ONE, 1)));
    assertThat(registry.counter(JsonLinesUsageSource.LINES_METRIC, "outcome", "expired").count())
        .isEqualTo(1);
    assertThat(warnings())
        .singleElement()
        .asString()
        .contains("line 2")
        .contains(file.toString())
        .contains("retention");
    // A range reaching before the horizon cannot be answered in full.
    assertThat(
            source.totalsBetween(
                "p", CUSTOMER, Instant.parse("2026-11-25T09:00:00Z"), FROM.minusSeconds(3600)))
        .isNull();
    assertThat(source.indexedKeys()).isEqualTo(1);

    // Two days later the 10:01 entry is forgotten too.
    source.totalsBetween("p", CUSTOMER, FROM.plus(Duration.ofDays(2)), TO.plus(Duration.ofDays(2)));
    assertThat(source.indexedKeys()).isZero();
  }

  @Test
  void concurrentCallersWhileAWriterAppendsCountEachLineOnce() throws Exception {
    Path file = dir.resolve("usage.jsonl");
    Files.writeString(file, "");
    JsonLinesUsageSource source =
        new JsonLinesUsageSource(file, JsonLinesUsageSource.DEFAULT_RETENTION, registry);
    int lines = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 8; r++) {
        readers.add(
            pool.submit(
                () -> {
                  while (writing.get()) {
                    source.totalsBetween("p", CUSTOMER, FROM, TO);
                  }
                  return null;
                }));
      }
      for (int i = 0; i < lines; i++) {
        String text = line("p", "111122223333", "requests", 1, "2026-11-26T10:15:00Z") + "\n";
        // Written in two pieces: readers see many partial lines.
        int cut = text.length() / 2;
        Files.writeString(file, text.substring(0, cut), StandardOpenOption.APPEND);
        Files.writeString(file, text.substring(cut), StandardOpenOption.APPEND);
      }
      writing.set(false);
      for (Future<?> reader : readers) {
        reader.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO))
        .containsExactly(
            Map.entry("requests", new DimensionTotal(java.math.BigDecimal.valueOf(lines), lines)));
    assertThat(registry.counter(JsonLinesUsageSource.LINES_METRIC, "outcome", "accepted").count())
        .isEqualTo(lines);
    assertThat(warnings()).isEmpty();
  }

  @Test
  void aMissingFileMeansNoUsageAndIsWarnedAboutOnce() throws IOException {
    Path file = dir.resolve("later.jsonl");
    JsonLinesUsageSource source = new JsonLinesUsageSource(file);

    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO)).isEmpty();
    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO)).isEmpty();
    assertThat(warnings()).singleElement().asString().contains(file.toString());

    Files.writeString(
        file, line("p", "111122223333", "requests", 3, "2026-11-26T10:05:00Z") + "\n");
    assertThat(source.totalsBetween("p", CUSTOMER, FROM, TO)).hasSize(1);
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

  @Test
  void anEntryWithALicenseIsUsageOfThatLicenseOnly() throws IOException {
    String licenseA = "arn:aws:license-manager::111122223333:license/l-a";
    String licenseB = "arn:aws:license-manager::111122223333:license/l-b";
    Path file = dir.resolve("licensed.jsonl");
    Files.writeString(
        file,
        String.join(
                "\n",
                line("p", "111122223333", "requests", 1, "2026-11-26T10:01:00Z"),
                licensed(licenseA, 2),
                licensed(licenseB, 3),
                licensed(licenseB, 4),
                "{\"productCode\":\"p\",\"customer\":\"111122223333\",\"licenseArn\":\" \","
                    + "\"dimension\":\"requests\",\"quantity\":9,"
                    + "\"timestamp\":\"2026-11-26T10:01:00Z\"}")
            + "\n");
    JsonLinesUsageSource source = new JsonLinesUsageSource(file);

    assertThat(source.usageBetween("p", CUSTOMER, FROM, TO))
        .extracting(UsageObservation::quantity)
        .containsExactly(java.math.BigDecimal.ONE);
    assertThat(source.usageBetween("p", CustomerId.licensed("111122223333", licenseA), FROM, TO))
        .extracting(UsageObservation::quantity)
        .containsExactly(java.math.BigDecimal.valueOf(2));
    assertThat(source.usageBetween("p", CustomerId.licensed("111122223333", licenseB), FROM, TO))
        .as("summed per dimension, for license B only")
        .extracting(UsageObservation::quantity, UsageObservation::licenseArn)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(java.math.BigDecimal.valueOf(7), licenseB));
    assertThat(warnings()).singleElement().asString().contains("licenseArn");
  }

  private static String licensed(String licenseArn, long quantity) {
    String plain = line("p", "111122223333", "requests", quantity, "2026-11-26T10:01:00Z");
    return plain.replace(
        "\"customer\":\"111122223333\"",
        "\"customer\":\"111122223333\",\"licenseArn\":\"" + licenseArn + "\"");
  }
}
