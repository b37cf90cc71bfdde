package dev.hourmeter.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hourmeter.activities.aws.AwsSettings;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.batching.MeteringBatcher;
import dev.hourmeter.activities.usage.JsonLinesUsageSource;
import dev.hourmeter.activities.usage.NoUsageSource;
import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.verification.CloudTrailReceiptIndex;
import dev.hourmeter.workflows.activities.EntitlementActivities;
import dev.hourmeter.workflows.activities.MeteringSubmissionActivities;
import dev.hourmeter.workflows.activities.UsageCollectionActivities;
import dev.hourmeter.workflows.model.activity.CollectedUsage;
import dev.hourmeter.workflows.model.activity.UsageQuery;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import dev.hourmeter.workflows.model.checkpoint.TaggedUsage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageCollectionActivitiesImplTest {

  static final Instant FROM = Instant.parse("2026-11-26T10:00:00Z");
  static final Instant TO = Instant.parse("2026-11-26T11:00:00Z");
  static final CustomerId CUSTOMER = CustomerId.awsAccount("111122223333");

  @TempDir Path dir;

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();

  @AfterEach
  void stop() {
    env.close();
  }

  private UsageCollectionActivities stub(UsageSource source) {
    env.registerActivitiesImplementations(new UsageCollectionActivitiesImpl(source));
    return env.newActivityStub(
        UsageCollectionActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private static String line(
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
  void sumsConfiguredDimensionsInTheWindowFromAJsonLinesFile() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    Files.write(
        file,
        List.of(
            line("p", "111122223333", "requests", 5, "2026-11-26T10:15:00Z"),
            line("p", "111122223333", "requests", 7, "2026-11-26T10:45:00Z"),
            line("p", "111122223333", "storage", 2, "2026-11-26T10:05:00Z"),
            line("p", "111122223333", "gpu", 9, "2026-11-26T10:05:00Z"), // not configured: ignored
            line("p", "111122223333", "gpu", 1, "2026-11-26T10:06:00Z"), // not configured: ignored
            line("p", "111122223333", "requests", 50, "2026-11-26T11:00:00Z"), // next period
            line("p", "111122223333", "requests", 50, "2026-11-26T09:59:00Z"), // previous period
            line("p", "999988887777", "requests", 50, "2026-11-26T10:15:00Z"), // other customer
            line("q", "111122223333", "requests", 50, "2026-11-26T10:15:00Z"), // other product
            "this is not json"));

    CollectedUsage usage =
        stub(new JsonLinesUsageSource(file))
            .collectUsage(
                new UsageQuery(
                    "p", CUSTOMER, List.of("requests", "storage", "seats"), FROM, TO, null, null));

    assertThat(usage.quantities())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("requests", BigDecimal.valueOf(12), "storage", BigDecimal.valueOf(2)));
    assertThat(usage.entries()).isEqualTo(3);
    assertThat(usage.ignoredEntries()).isEqualTo(2);
  }

  /**
   * Issue 19: lines above the per-entry limit are never summed, and counted apart from those of
   * unknown dimensions; a dimension holding only refused lines has no quantity at all.
   */
  @Test
  void linesAboveThePerEntryLimitAreCountedAndNeverSummed() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    Files.write(
        file,
        List.of(
            line("p", "111122223333", "requests", 5, "2026-11-26T10:15:00Z"),
            line("p", "111122223333", "requests", 2147483648L, "2026-11-26T10:15:00Z"),
            line("p", "111122223333", "storage", 2147483648L, "2026-11-26T10:16:00Z"),
            line("p", "111122223333", "gpu", 3, "2026-11-26T10:17:00Z"), // not configured
            line("p", "111122223333", "requests", 2147483647L, "2026-11-26T10:18:00Z")));

    CollectedUsage usage =
        stub(new JsonLinesUsageSource(file))
            .collectUsage(
                new UsageQuery(
                    "p", CUSTOMER, List.of("requests", "storage"), FROM, TO, null, null));

    assertThat(usage.quantities())
        .containsExactlyEntriesOf(Map.of("requests", BigDecimal.valueOf(5L + 2147483647L)));
    assertThat(usage.entries()).isEqualTo(2);
    assertThat(usage.ignoredEntries()).isEqualTo(1);
    assertThat(usage.overLimitEntries()).isEqualTo(2);
  }

  @Test
  void taggedLinesAreSummedPerTagSetAndABadTagRefusesItsLineNamingTheTag() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    String customer =
        "\"productCode\":\"p\",\"customer\":\"111122223333\",\"dimension\":\"requests\"";
    Files.write(
        file,
        List.of(
            "{"
                + customer
                + ",\"quantity\":5,\"timestamp\":\"2026-11-26T10:15:00Z\",\"tags\":{\"team\":\"a\"}}",
            "{"
                + customer
                + ",\"quantity\":2.5,\"timestamp\":\"2026-11-26T10:16:00Z\",\"tags\":{\"team\":\"a\"}}",
            "{"
                + customer
                + ",\"quantity\":4,\"timestamp\":\"2026-11-26T10:17:00Z\",\"tags\":{\"env\":\"prod\",\"team\":\"b\"}}",
            "{" + customer + ",\"quantity\":3,\"timestamp\":\"2026-11-26T10:18:00Z\"}",
            // A bad tag: the line is refused (counted and logged as malformed, naming the tag).
            "{"
                + customer
                + ",\"quantity\":100,\"timestamp\":\"2026-11-26T10:19:00Z\",\"tags\":{\"team\":\"a?b\"}}"));

    CollectedUsage usage =
        stub(new JsonLinesUsageSource(file))
            .collectUsage(new UsageQuery("p", CUSTOMER, List.of("requests"), FROM, TO, null, null));

    assertThat(usage.quantities()).isEqualTo(Map.of("requests", new BigDecimal("14.5")));
    assertThat(usage.tagged())
        .containsExactly(
            new TaggedUsage(
                null, "requests", Map.of("env", "prod", "team", "b"), BigDecimal.valueOf(4)),
            new TaggedUsage(null, "requests", Map.of("team", "a"), new BigDecimal("7.5")));
    assertThat(usage.entries()).isEqualTo(4);
  }

  @Test
  void aLookbackReturnsTheEarlierPeriodsAsTheFileShowsThemNow() throws IOException {
    Path file = dir.resolve("usage.jsonl");
    Files.write(
        file,
        List.of(
            line("p", "111122223333", "requests", 5, "2026-11-26T10:15:00Z"),
            line("p", "111122223333", "requests", 3, "2026-11-26T09:15:00Z"),
            line("p", "111122223333", "storage", 4, "2026-11-26T09:16:00Z"),
            line("p", "111122223333", "gpu", 9, "2026-11-26T09:05:00Z"), // not configured
            line("p", "111122223333", "requests", 6, "2026-11-26T07:59:59Z"))); // before lookback
    Duration hour = Duration.ofHours(1);

    CollectedUsage usage =
        stub(new JsonLinesUsageSource(file))
            .collectUsage(
                new UsageQuery(
                    "p",
                    CUSTOMER,
                    List.of("requests", "storage"),
                    FROM,
                    TO,
                    FROM.minus(hour.multipliedBy(2)),
                    hour));

    assertThat(usage.quantities()).containsExactly(Map.entry("requests", BigDecimal.valueOf(5)));
    assertThat(usage.earlierPeriods())
        .containsExactly(
            new PeriodUsage(FROM.minus(hour.multipliedBy(2)), Map.of()),
            new PeriodUsage(
                FROM.minus(hour),
                Map.of("requests", BigDecimal.valueOf(3), "storage", BigDecimal.valueOf(4))));
  }

  @Test
  void decimalQuantitiesInTheFileAreSummedExactly() throws Exception {
    Path file = dir.resolve("decimal-usage.jsonl");
    Files.writeString(
        file,
        String.join(
            "\n",
            "{\"productCode\":\"p\",\"customer\":\"111122223333\",\"dimension\":\"requests\","
                + "\"quantity\":0.25,\"timestamp\":\"2026-11-26T10:15:00Z\"}",
            "{\"productCode\":\"p\",\"customer\":\"111122223333\",\"dimension\":\"requests\","
                + "\"quantity\":17.420,\"timestamp\":\"2026-11-26T10:16:00Z\"}",
            "{\"productCode\":\"p\",\"customer\":\"111122223333\",\"dimension\":\"requests\","
                + "\"quantity\":3,\"timestamp\":\"2026-11-26T10:17:00Z\"}",
            "{\"productCode\":\"p\",\"customer\":\"111122223333\",\"dimension\":\"requests\","
                + "\"quantity\":\"1.5\",\"timestamp\":\"2026-11-26T10:18:00Z\"}",
            "{\"productCode\":\"p\",\"customer\":\"111122223333\",\"dimension\":\"storage\","
                + "\"quantity\":4.0000,\"timestamp\":\"2026-11-26T10:18:00Z\"}",
            ""));

    CollectedUsage usage =
        stub(new JsonLinesUsageSource(file))
            .collectUsage(
                new UsageQuery(
                    "p", CUSTOMER, List.of("requests", "storage"), FROM, TO, null, null));

    assertThat(usage.quantities())
        .as("a string quantity is skipped, never coerced")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("requests", new BigDecimal("20.67"), "storage", BigDecimal.valueOf(4)));
    assertThat(usage.entries()).isEqualTo(4);
  }

  @Test
  void noUsageSourceReportsNothing() {
    CollectedUsage usage =
        stub(NoUsageSource.INSTANCE)
            .collectUsage(new UsageQuery("p", CUSTOMER, List.of("requests"), FROM, TO, null, null));
    assertThat(usage).isEqualTo(CollectedUsage.none());
  }

  @Test
  void entriesASloppySourceReturnsOutsideTheQueryAreNotCounted() {
    UsageSource sloppy =
        (product, customer, from, to) ->
            List.of(
                new UsageObservation("p", "111122223333", "requests", 3, FROM),
                new UsageObservation("p", "111122223333", "requests", 100, TO),
                new UsageObservation("p", "999988887777", "requests", 100, FROM),
                new UsageObservation("other", "111122223333", "requests", 100, FROM),
                new UsageObservation(
                    "p", "111122223333", "requests", 1000, FROM, LICENSE_OF_THE_ACCOUNT));

    CollectedUsage usage =
        stub(sloppy)
            .collectUsage(new UsageQuery("p", CUSTOMER, List.of("requests"), FROM, TO, null, null));

    assertThat(usage.quantities()).containsExactly(Map.entry("requests", BigDecimal.valueOf(3)));
    assertThat(usage.entries()).isEqualTo(1);
  }

  @Test
  void aSloppySourceNeverGivesALicenseTheAccountsOtherUsage() {
    UsageSource sloppy =
        (product, customer, from, to) ->
            List.of(
                new UsageObservation("p", "111122223333", "requests", 3, FROM),
                new UsageObservation(
                    "p", "111122223333", "requests", 1000, FROM, LICENSE_OF_THE_ACCOUNT));

    CollectedUsage licensed =
        stub(sloppy)
            .collectUsage(
                new UsageQuery(
                    "p",
                    CustomerId.licensed("111122223333", LICENSE_OF_THE_ACCOUNT),
                    List.of("requests"),
                    FROM,
                    TO,
                    null,
                    null));
    assertThat(licensed.quantities())
        .as("a license's workflow bills its own usage only, never the account's other usage")
        .containsExactly(Map.entry("requests", BigDecimal.valueOf(1000)));
  }

  private static final String LICENSE_OF_THE_ACCOUNT =
      "arn:aws:license-manager::111122223333:license/l-0123456789abcdef0123456789abcdef";

  @Test
  void aFailingSourceIsARetryableFailure() {
    UsageSource broken =
        (product, customer, from, to) -> {
          throw new IllegalStateException("database is down");
        };

    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class,
            () ->
                stub(broken)
                    .collectUsage(
                        new UsageQuery("p", CUSTOMER, List.of("requests"), FROM, TO, null, null)));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo("UsageSourceFailed");
    assertThat(cause.isNonRetryable()).isFalse();
    assertThat(cause.getOriginalMessage()).contains("database is down");
  }

  @Test
  void hourmeterActivitiesListsTheFourImplementations() {
    try (MarketplaceGateway gateway =
        new MarketplaceGateway(AwsSettings.forSimulator(URI.create("http://127.0.0.1:9")))) {
      List<Object> all =
          HourmeterActivities.all(
              gateway,
              NoUsageSource.INSTANCE,
              new CloudTrailReceiptIndex(gateway),
              SubmissionSettings.defaults().newSender(gateway, new SimpleMeterRegistry()));
      assertThat(all).hasSize(4);
      assertThat(all)
          .hasAtLeastOneElementOfType(UsageCollectionActivities.class)
          .hasAtLeastOneElementOfType(EntitlementActivities.class)
          .hasAtLeastOneElementOfType(MeteringSubmissionActivities.class)
          .hasAtLeastOneElementOfType(
              dev.hourmeter.workflows.activities.ReceiptVerificationActivities.class);
      MeteringSubmissionActivitiesImpl submission =
          all.stream()
              .filter(MeteringSubmissionActivitiesImpl.class::isInstance)
              .map(MeteringSubmissionActivitiesImpl.class::cast)
              .findFirst()
              .orElseThrow();
      assertThat(submission.sender())
          .as("batching is on in the default submission settings")
          .isInstanceOf(MeteringBatcher.class);
      MeteringBatcher batcher = (MeteringBatcher) submission.sender();
      assertThat(batcher.linger())
          .as("the documented default linger")
          .isEqualTo(Duration.ofSeconds(1));
      assertThat(batcher.rateLimiter().callsPerSecond()).isEqualTo(10.0);
      batcher.close();
      env.registerActivitiesImplementations(all.toArray());
    }
  }
}
