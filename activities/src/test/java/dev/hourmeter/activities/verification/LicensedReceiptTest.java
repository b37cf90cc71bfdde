package dev.hourmeter.activities.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.TrailEvent;
import dev.hourmeter.activities.aws.TrailPage;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptCheck;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CloudTrail receipts of licensed records (Concurrent Agreements: the request has no productCode,
 * each usage record a licenseArn) and of decimal quantities (compared by value).
 */
class LicensedReceiptTest {

  private static final Instant HOUR = Instant.parse("2026-11-30T10:00:00Z");
  private static final Instant EVENT_TIME = Instant.parse("2026-11-30T10:05:00Z");
  private static final String MINE = "arn:aws:license-manager::123456789012:license/l-mine";
  private static final String OTHER = "arn:aws:license-manager::123456789012:license/l-other";

  private final CloudTrailEventParser parser = new CloudTrailEventParser();

  /** A licensed event; the echoed usage records carry their license when {@code echo}. */
  private static TrailEvent event(boolean echo) {
    String usage =
        "{\"dimension\":\"gb\",\"timestamp\":\"Nov 30, 2026 10:00:00 AM\","
            + "\"customerAWSAccountId\":\"111122223333\",\"quantityAsDecimal\":\"17.420\"%s}";
    String withLicense = ",\"licenseArn\":\"" + MINE + "\"";
    String json =
        "{\"eventName\":\"BatchMeterUsage\",\"eventID\":\"ev-9\","
            + "\"requestParameters\":{\"usageRecords\":["
            + usage.formatted(withLicense)
            + "]},\"responseElements\":{\"results\":[{\"usageRecord\":"
            + usage.formatted(echo ? withLicense : "")
            + ",\"meteringRecordId\":\"mr-9\",\"status\":\"Success\"}],"
            + "\"unprocessedRecords\":[]}}";
    return new TrailEvent(
        "ev-9", "BatchMeterUsage", "metering-marketplace.amazonaws.com", EVENT_TIME, json);
  }

  private static MeteringRecord record(String license, String usage) {
    return MeteringRecord.of(
        new CustomerId(null, "111122223333", license), "gb", HOUR, new BigDecimal(usage));
  }

  @Test
  void theParserReadsTheLicenseAndTheDecimalQuantity() {
    for (boolean echo : new boolean[] {true, false}) {
      assertThat(parser.parse(event(echo)))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.productCode()).isNull();
                assertThat(r.licenseArn()).isEqualTo(MINE);
                assertThat(r.quantityAsDecimal()).isEqualByComparingTo("17.42");
                assertThat(r.key()).isEqualTo(ReceiptKey.of("prod-1", record(MINE, "17.42")));
              });
    }
  }

  @Test
  void aReceiptMatchesOnlyTheRecordOfItsLicenseAndQuantity() {
    ReceiptStore store = new ReceiptStore();
    store.index(new TrailPage(List.of(event(true)), null), EVENT_TIME, null);

    List<ReceiptCheck> checks =
        store.answer(
            "prod-1",
            List.of(
                new SentRecord(record(MINE, "17.42"), null, HOUR),
                new SentRecord(record(OTHER, "17.42"), null, HOUR),
                new SentRecord(record(MINE, "17.43"), null, HOUR),
                new SentRecord(
                    new MeteringRecord(CustomerId.awsAccount("111122223333"), "gb", HOUR, 17),
                    null,
                    HOUR)),
            HOUR);

    assertThat(checks).extracting(ReceiptCheck::found).containsExactly(true, false, false, false);
  }

  @Test
  void wholeQuantitiesAreComparedByValue() {
    assertThat(ReceiptKey.of("p", "c", "d", HOUR, new BigDecimal("17.00")))
        .isEqualTo(ReceiptKey.of("p", "c", "d", HOUR, BigDecimal.valueOf(17)));
    assertThat(ReceiptKey.of("p", "c", "d", HOUR, BigDecimal.valueOf(10))).endsWith("\u000010");
  }
}
