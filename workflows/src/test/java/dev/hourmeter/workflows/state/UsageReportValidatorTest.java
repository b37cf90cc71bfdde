package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UsageReportValidatorTest {

  private static final Instant NOW = Instant.parse("2026-11-26T10:30:00Z");
  private static final UsageReportValidator.Context CONTEXT =
      new UsageReportValidator.Context(
          Set.of("requests", "storage"),
          NOW,
          NOW.minusSeconds(24 * 3600),
          NOW.plusSeconds(300),
          false,
          2_147_483_647L);

  @Test
  void acceptsAWellFormedReport() {
    UsageReport report =
        new UsageReport(
            "r1",
            List.of(
                new UsageEntry("requests", 5, null),
                new UsageEntry("storage", 0, "2026-11-26T10:00:00Z")));
    assertThat(UsageReportValidator.problems(report, CONTEXT)).isEmpty();
  }

  @Test
  void acceptsTagsWithinAwsRulesAndNamesEachBadTag() {
    UsageReport good =
        new UsageReport(
            "r1",
            List.of(
                new UsageEntry(
                    "requests", BigDecimal.ONE, null, Map.of("team", "a", "env", "prod/eu-1"))));
    UsageReport bad =
        new UsageReport(
            "r2",
            List.of(
                new UsageEntry("requests", BigDecimal.ONE, null, Map.of("team", "a?b")),
                new UsageEntry("requests", BigDecimal.ONE, null, Map.of("k".repeat(101), "v")),
                new UsageEntry("requests", BigDecimal.ONE, null, Map.of("env", "")),
                new UsageEntry(
                    "requests",
                    BigDecimal.ONE,
                    null,
                    Map.of("a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6"))));

    assertThat(UsageReportValidator.problems(good, CONTEXT)).isEmpty();
    assertThat(UsageReportValidator.problems(bad, CONTEXT))
        .satisfiesExactly(
            p -> assertThat(p).startsWith("usage[0].tags.team: value 'a?b' has a character"),
            p -> assertThat(p).startsWith("usage[1].tags.kkkk").contains("at most 100 characters"),
            p -> assertThat(p).startsWith("usage[2].tags.env: value must be 1..256 characters"),
            p -> assertThat(p).isEqualTo("usage[3].tags: at most 5 tags, got 6"));
  }

  @Test
  void tagsMustBeAnObjectOfStrings() {
    UsageReportValidator.Result result =
        UsageReportValidator.check(
            UsageJson.parse(
                    "{\"id\":\"r\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":1,\"tags\":{\"team\":7}},{\"dimension\":\"requests\",\"quantity\":1,\"tags\":[\"a\"]}]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .json(),
            CONTEXT);

    assertThat(result.problems())
        .containsExactly(
            "usage[0].tags.team: must be a string, got number 7",
            "usage[1].tags: must be an object of tag names to values, got an array");
  }

  @Test
  void namesEachBadField() {
    UsageReport report =
        new UsageReport(
            " ",
            List.of(
                new UsageEntry("cpu", 1, null),
                new UsageEntry("requests", -1, null),
                new UsageEntry("requests", 1, "yesterday"),
                new UsageEntry("requests", 1, "2026-11-26T11:00:00Z"),
                new UsageEntry("requests", 1, "2026-11-20T11:00:00Z")));

    assertThat(UsageReportValidator.problems(report, CONTEXT))
        .satisfiesExactly(
            p -> assertThat(p).startsWith("id:"),
            p ->
                assertThat(p)
                    .startsWith("usage[0].dimension: 'cpu' is not one of [requests, storage]"),
            p -> assertThat(p).startsWith("usage[1].quantity: must be >= 0"),
            p ->
                assertThat(p)
                    .startsWith("usage[2].timestamp: 'yesterday' is not an ISO-8601 instant"),
            p -> assertThat(p).startsWith("usage[3].timestamp:").contains("in the future"),
            p ->
                assertThat(p)
                    .startsWith("usage[4].timestamp:")
                    .contains("older than the dedup horizon"));
  }

  @Test
  void rejectsAnEmptyReportAndAnEndedSubscription() {
    assertThat(UsageReportValidator.problems(new UsageReport("r", List.of()), CONTEXT))
        .containsExactly("usage: must contain at least one entry");
    UsageReportValidator.Context ended =
        new UsageReportValidator.Context(
            CONTEXT.dimensions(),
            NOW,
            CONTEXT.oldestAccepted(),
            CONTEXT.newestAccepted(),
            true,
            CONTEXT.maxEntryQuantity());
    assertThat(
            UsageReportValidator.problems(
                new UsageReport("r", List.of(UsageEntry.now("requests", 1))), ended))
        .singleElement()
        .asString()
        .contains("ended");
  }

  @Test
  void reasonsAreSummarizedAndEchoedValuesCut() {
    UsageReport report =
        new UsageReport(
            "r", java.util.Collections.nCopies(1000, UsageEntry.now("z".repeat(10_000), 1)));

    List<String> problems = UsageReportValidator.problems(report, CONTEXT);
    String reason = UsageReportValidator.summarize(problems);

    assertThat(problems).hasSize(1000);
    assertThat(problems.get(0))
        .isEqualTo(
            "usage[0].dimension: '"
                + "z".repeat(64)
                + "...(10000 chars)' is not one of [requests, storage]");
    assertThat(reason).endsWith("; and 997 more").hasSizeLessThan(500);
  }

  @Test
  void readsTheRawJsonWithoutCoercion() throws Exception {
    UsageReportValidator.Result coerced =
        UsageReportValidator.check(
            UsageJson.parse(
                    "{\"id\":\"r\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":\"12\"},{\"dimension\":\"requests\",\"quantity\":2.5}]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .json(),
            CONTEXT);
    UsageReportValidator.Result exact =
        UsageReportValidator.check(
            UsageJson.parse(
                    "{\"id\":\"r\",\"x\":1,\"usage\":[{\"dimension\":\"requests\",\"quantity\":5.000000}]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .json(),
            CONTEXT);

    assertThat(coerced.report()).isNull();
    assertThat(coerced.problems())
        .containsExactly("usage[0].quantity: must be a number, got string '12'");
    assertThat(exact.report())
        .isEqualTo(new UsageReport("r", List.of(UsageEntry.now("requests", 5))));
    assertThat(
            UsageJson.parse("{\"id\":1,\"id\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .problem())
        .startsWith("payload: is not valid JSON (Duplicate field 'id'");
  }

  @Test
  void decimalQuantitiesAreReadExactlyInCanonicalForm() {
    UsageReportValidator.Result result =
        UsageReportValidator.check(
            UsageJson.parse(
                    ("{\"id\":\"d\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":0.25},"
                            + "{\"dimension\":\"requests\",\"quantity\":17.420000},"
                            + "{\"dimension\":\"requests\",\"quantity\":0.000001},"
                            + "{\"dimension\":\"requests\",\"quantity\":1.5E+2},"
                            + "{\"dimension\":\"requests\",\"quantity\":2147483646.999999}]}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .json(),
            CONTEXT);

    assertThat(result.problems()).isEmpty();
    assertThat(result.report().usage())
        .extracting(e -> e.quantity().toString())
        .containsExactly("0.25", "17.42", "0.000001", "150", "2147483646.999999");
  }

  @Test
  void decimalQuantitiesOutsideTheRulesAreRefusedNamingTheField() {
    UsageReportValidator.Result result =
        UsageReportValidator.check(
            UsageJson.parse(
                    ("{\"id\":\"d\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":0.0000001},"
                            + "{\"dimension\":\"requests\",\"quantity\":-0.25},"
                            + "{\"dimension\":\"requests\",\"quantity\":\"0.25\"},"
                            + "{\"dimension\":\"requests\",\"quantity\":null},"
                            + "{\"dimension\":\"requests\",\"quantity\":[0.25]},"
                            + "{\"dimension\":\"requests\",\"quantity\":2147483647.5},"
                            + "{\"dimension\":\"requests\",\"quantity\":2.5e-7}]}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .json(),
            CONTEXT);

    assertThat(result.report()).isNull();
    assertThat(result.problems())
        .containsExactly(
            "usage[0].quantity: at most 6 decimal places are accepted, got 1E-7",
            "usage[1].quantity: must be >= 0, got -0.25",
            "usage[2].quantity: must be a number, got string '0.25'",
            "usage[3].quantity: must be a number, got null",
            "usage[4].quantity: must be a number, got an array",
            "usage[5].quantity: must be at most 2147483647 per entry, got 2147483647.5",
            "usage[6].quantity: at most 6 decimal places are accepted, got 2.5E-7");
  }

  @Test
  void aTypedReportTravelsThroughTheDataConverterExactly() {
    UsageReport report =
        new UsageReport(
            "t",
            List.of(
                UsageEntry.now("requests", new java.math.BigDecimal("0.250")),
                UsageEntry.now("storage", 5)));
    io.temporal.common.converter.DataConverter converter =
        io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE;
    io.temporal.api.common.v1.Payload payload = converter.toPayload(report).orElseThrow();

    assertThat(payload.getData().toStringUtf8())
        .contains("\"quantity\":0.25,")
        .contains("\"quantity\":5,");
    assertThat(converter.fromPayload(payload, UsageReport.class, UsageReport.class))
        .isEqualTo(report);
  }

  @Test
  void aReportsFingerprintComparesDecimalsByValue() {
    UsageReport plain = new UsageReport("r", List.of(UsageEntry.now("requests", 17)));
    UsageReport zeros =
        new UsageReport(
            "r", List.of(UsageEntry.now("requests", new java.math.BigDecimal("17.00"))));
    UsageReport other =
        new UsageReport(
            "r", List.of(UsageEntry.now("requests", new java.math.BigDecimal("17.01"))));

    assertThat(UsageJson.contentHash(zeros)).isEqualTo(UsageJson.contentHash(plain));
    assertThat(UsageJson.contentHash(other)).isNotEqualTo(UsageJson.contentHash(plain));
  }

  @Test
  void parsesOffsetsAsWellAsInstants() {
    assertThat(UsageReportValidator.parseTimestamp("2026-11-26T11:30:00+01:00"))
        .isEqualTo(Instant.parse("2026-11-26T10:30:00Z"));
    assertThat(UsageReportValidator.parseTimestamp("not a time")).isNull();
  }
}
