package dev.hourmeter.activities.batching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.AwsSettings;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.testing.CapturingServer;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * InvalidLicenseException fails a whole BatchMeterUsage request (the simulator has no licenses, so
 * a capturing server plays AWS): the batch is split by license and hour, the bad license's records
 * end INVALID, the others are billed.
 */
class InvalidLicenseIsolationTest {

  private static final Instant HOUR = Instant.parse("2026-11-30T10:00:00Z");
  private static final String GOOD = "arn:aws:license-manager::123456789012:license/l-good";
  private static final String BAD = "arn:aws:license-manager::123456789012:license/l-bad";
  private static final String INVALID_LICENSE =
      "{\"__type\":\"InvalidLicenseException\",\"message\":\"license is not the customer's\"}";

  private CapturingServer server;
  private MarketplaceGateway gateway;

  @BeforeEach
  void start() throws Exception {
    server = new CapturingServer();
    gateway =
        new MarketplaceGateway(
            AwsSettings.forSimulator(server.endpoint()), new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    gateway.close();
    server.close();
  }

  @Test
  void onlyTheBadLicensesRecordsAreInvalid() throws Exception {
    MeteringRecord good1 = record("111122223333", GOOD, "a");
    MeteringRecord bad1 = record("444455556666", BAD, "a");
    MeteringRecord good2 = record("111122223333", GOOD, "b");
    MeteringRecord bad2 = record("444455556666", BAD, "b");
    server.answer(400, INVALID_LICENSE);
    server.answer(
        200,
        "{\"Results\":["
            + success("111122223333", GOOD, "a", "m-1")
            + ","
            + success("111122223333", GOOD, "b", "m-2")
            + "],\"UnprocessedRecords\":[]}");
    server.answer(400, INVALID_LICENSE);

    BatchResult result =
        new BisectingBatchSender(gateway.metering(), null)
            .send(
                "prod-1",
                List.of(good1, bad1, good2, bad2),
                BisectingBatchSender.CallListener.NONE);

    assertThat(result.calls()).isEqualTo(3);
    assertThat(result.result(0).status()).isEqualTo(RecordStatus.SUCCESS);
    assertThat(result.result(2).status()).isEqualTo(RecordStatus.SUCCESS);
    assertThat(result.result(1).status()).isEqualTo(RecordStatus.INVALID);
    assertThat(result.result(3).status()).isEqualTo(RecordStatus.INVALID);
    assertThat(result.result(1).detail())
        .isEqualTo("InvalidLicenseException: license is not the customer's");
    assertThat(result.unprocessed()).isEmpty();
    assertThat(result.failure()).isNull();
    List<CapturingServer.Captured> calls = server.captured();
    assertThat(calls.get(1).bodyText()).contains(GOOD).doesNotContain(BAD);
    assertThat(calls.get(2).bodyText()).contains(BAD).doesNotContain(GOOD);
  }

  @Test
  void oneLicenseOfOneHourIsInvalidAtOnceWithoutBisecting() throws Exception {
    server.answer(400, INVALID_LICENSE);
    List<MeteringRecord> records =
        List.of(record("444455556666", BAD, "a"), record("444455556666", BAD, "b"));

    BatchResult result =
        new BisectingBatchSender(gateway.metering(), null)
            .send("prod-1", records, BisectingBatchSender.CallListener.NONE);

    assertThat(result.calls()).isEqualTo(1);
    assertThat(result.result(0).status()).isEqualTo(RecordStatus.INVALID);
    assertThat(result.result(1).status()).isEqualTo(RecordStatus.INVALID);
  }

  private static MeteringRecord record(String account, String license, String dimension) {
    return new MeteringRecord(new CustomerId(null, account, license), dimension, HOUR, 1);
  }

  private static String success(String account, String license, String dimension, String id) {
    return "{\"UsageRecord\":{\"Timestamp\":1796032800,\"Dimension\":\""
        + dimension
        + "\",\"Quantity\":1,\"CustomerAWSAccountId\":\""
        + account
        + "\",\"LicenseArn\":\""
        + license
        + "\"},\"MeteringRecordId\":\""
        + id
        + "\",\"Status\":\"Success\"}";
  }
}
