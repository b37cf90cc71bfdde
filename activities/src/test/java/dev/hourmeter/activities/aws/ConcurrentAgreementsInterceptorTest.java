package dev.hourmeter.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.activities.aws.BatchMeterOutcome.MeterStatus;
import dev.hourmeter.activities.aws.BatchMeterOutcome.MeteredRecord;
import dev.hourmeter.activities.aws.WireExtras.RecordExtras;
import dev.hourmeter.activities.testing.CapturingServer;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplaceentitlement.model.Entitlement;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/**
 * The bytes the real SDK client sends once {@link ConcurrentAgreementsInterceptor} rewrote them.
 */
class ConcurrentAgreementsInterceptorTest {

  private static final Instant HOUR = Instant.parse("2026-11-30T10:00:00Z"); // 1796032800
  private static final String LICENSE_A =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0";
  private static final String LICENSE_B =
      "arn:aws:license-manager::123456789012:license/l-0fedcba9876543210";
  private static final CustomerId LICENSED_A = new CustomerId(null, "111122223333", LICENSE_A);
  private static final CustomerId LICENSED_B = new CustomerId(null, "111122223333", LICENSE_B);

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
  void aLicensedRequestCarriesLicenseArnAndQuantityAsDecimalAndNoProductCode() {
    MeteringRecord decimal = MeteringRecord.of(LICENSED_A, "gb", HOUR, new BigDecimal("17.420"));
    MeteringRecord whole = new MeteringRecord(LICENSED_A, "requests", HOUR, 3);
    server.answer(
        200,
        "{\"Results\":["
            + "{\"UsageRecord\":{\"Timestamp\":1796032800,\"Dimension\":\"gb\","
            + "\"QuantityAsDecimal\":\"17.42\",\"CustomerAWSAccountId\":\"111122223333\","
            + "\"LicenseArn\":\""
            + LICENSE_A
            + "\"},"
            + "\"MeteringRecordId\":\"m-gb\",\"Status\":\"Success\"},"
            + "{\"UsageRecord\":{\"Timestamp\":1796032800,\"Dimension\":\"requests\","
            + "\"Quantity\":3,\"CustomerAWSAccountId\":\"111122223333\","
            + "\"LicenseArn\":\""
            + LICENSE_A
            + "\"},"
            + "\"MeteringRecordId\":\"m-req\",\"Status\":\"Success\"}],"
            + "\"UnprocessedRecords\":[]}");

    BatchMeterOutcome outcome =
        gateway.metering().batchMeterUsage("prod-1", List.of(decimal, whole));

    CapturingServer.Captured sent = server.captured().get(0);
    assertThat(sent.bodyText())
        .isEqualTo(
            "{\"UsageRecords\":["
                + "{\"Timestamp\":1796032800.000,\"Dimension\":\"gb\",\"QuantityAsDecimal\":\"17.42\","
                + "\"CustomerAWSAccountId\":\"111122223333\",\"LicenseArn\":\""
                + LICENSE_A
                + "\"},"
                + "{\"Timestamp\":1796032800.000,\"Dimension\":\"requests\",\"QuantityAsDecimal\":\"3\","
                + "\"CustomerAWSAccountId\":\"111122223333\",\"LicenseArn\":\""
                + LICENSE_A
                + "\"}"
                + "]}");
    assertThat(sent.header("X-Amz-Target")).isEqualTo("AWSMPMeteringService.BatchMeterUsage");
    assertThat(sent.header("Content-Length")).isEqualTo(Integer.toString(sent.body().length));
    assertThat(SigV4Check.valid(sent, AwsClients.SIMULATOR_SECRET_KEY))
        .as("SigV4 covers the rewritten body")
        .isTrue();
    assertThat(outcome.unprocessed()).isEmpty();
    assertThat(outcome.results())
        .extracting(MeteredRecord::record, MeteredRecord::meteringRecordId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(decimal, "m-gb"),
            org.assertj.core.groups.Tuple.tuple(whole, "m-req"));
  }

  @Test
  void theSignatureCheckRejectsABodyOtherThanTheSignedOne() {
    server.answer(200, "{\"Results\":[],\"UnprocessedRecords\":[]}");
    gateway
        .metering()
        .batchMeterUsage("prod-1", List.of(new MeteringRecord(LICENSED_A, "d", HOUR, 1)));
    CapturingServer.Captured sent = server.captured().get(0);
    byte[] tampered =
        sent.bodyText().replace(LICENSE_A, LICENSE_B).getBytes(StandardCharsets.UTF_8);
    CapturingServer.Captured other =
        new CapturingServer.Captured(sent.method(), sent.path(), sent.headers(), tampered);
    assertThat(SigV4Check.valid(sent, AwsClients.SIMULATOR_SECRET_KEY)).isTrue();
    assertThat(SigV4Check.valid(other, AwsClients.SIMULATOR_SECRET_KEY)).isFalse();
  }

  @Test
  void aWholeQuantityGoesOutAsQuantityAsDecimalNeverAsQuantity() {
    server.answer(200, "{\"Results\":[],\"UnprocessedRecords\":[]}");
    gateway
        .metering()
        .batchMeterUsage(
            "prod-1",
            List.of(new MeteringRecord(CustomerId.awsAccount("111122223333"), "d", HOUR, 3)));
    CapturingServer.Captured sent = server.captured().get(0);
    // Before 2026-10-20's deprecation this went out as the SDK serializes it: "Quantity":3.
    assertThat(sent.bodyText())
        .isEqualTo(
            "{\"UsageRecords\":[{\"Timestamp\":1796032800.000,\"Dimension\":\"d\","
                + "\"QuantityAsDecimal\":\"3\",\"CustomerAWSAccountId\":\"111122223333\"}],"
                + "\"ProductCode\":\"prod-1\"}");
    assertThat(sent.header("Content-Length")).isEqualTo(Integer.toString(sent.body().length));
    assertThat(SigV4Check.valid(sent, AwsClients.SIMULATOR_SECRET_KEY)).isTrue();
  }

  @Test
  void wholeQuantitiesAreWrittenInCanonicalFormAndNoRecordCarriesQuantity() {
    server.answer(200, "{\"Results\":[],\"UnprocessedRecords\":[]}");
    CustomerId legacy = CustomerId.legacy("cust-7");
    List<MeteringRecord> records =
        List.of(
            new MeteringRecord(legacy, "zero", HOUR, 0),
            new MeteringRecord(legacy, "hundred", HOUR, 100),
            new MeteringRecord(legacy, "max", HOUR, Integer.MAX_VALUE),
            MeteringRecord.of(legacy, "seventeen", HOUR, new BigDecimal("17.000")),
            MeteringRecord.of(legacy, "half", HOUR, new BigDecimal("2.50")));
    gateway.metering().batchMeterUsage("prod-1", records);

    String body = server.captured().get(0).bodyText();
    assertThat(body)
        .contains(
            "\"Dimension\":\"zero\",\"QuantityAsDecimal\":\"0\"}",
            "\"Dimension\":\"hundred\",\"QuantityAsDecimal\":\"100\"}",
            "\"Dimension\":\"max\",\"QuantityAsDecimal\":\"2147483647\"}",
            "\"Dimension\":\"seventeen\",\"QuantityAsDecimal\":\"17\"}",
            "\"Dimension\":\"half\",\"QuantityAsDecimal\":\"2.5\"}")
        .doesNotContain("\"Quantity\"");
    assertThat(body.split("QuantityAsDecimal", -1)).hasSize(records.size() + 1);
  }

  @Test
  void aBatchMeterUsageCallThatBypassesMeteringServiceIsRefusedBeforeItLeaves() {
    server.answer(200, "{\"Results\":[],\"UnprocessedRecords\":[]}");
    try (AwsClients clients = new AwsClients(AwsSettings.forSimulator(server.endpoint()))) {
      assertThatThrownBy(
              () ->
                  clients.metering.batchMeterUsage(
                      b ->
                          b.productCode("prod-1")
                              .usageRecords(
                                  UsageRecord.builder()
                                      .timestamp(HOUR)
                                      .dimension("d")
                                      .quantity(3)
                                      .customerAWSAccountId("111122223333")
                                      .build())))
          .hasStackTraceContaining("deprecated Quantity");
    }
    assertThat(server.captured()).isEmpty();
  }

  @Test
  void aLegacyDecimalRecordKeepsItsProductCode() {
    server.answer(200, "{\"Results\":[],\"UnprocessedRecords\":[]}");
    gateway
        .metering()
        .batchMeterUsage(
            "prod-1",
            List.of(
                MeteringRecord.of(
                    CustomerId.legacy("cust-7"), "d", HOUR, new BigDecimal("0.000001"))));
    assertThat(server.captured().get(0).bodyText())
        .isEqualTo(
            "{\"UsageRecords\":[{\"Timestamp\":1796032800.000,\"CustomerIdentifier\":\"cust-7\","
                + "\"Dimension\":\"d\",\"QuantityAsDecimal\":\"0.000001\"}],"
                + "\"ProductCode\":\"prod-1\"}");
  }

  @Test
  void extrasWithoutAQuantityAsDecimalFailTheRewriteRatherThanSendQuantity() {
    byte[] body =
        ("{\"UsageRecords\":[{\"Timestamp\":1796032800.000,\"Dimension\":\"d\",\"Quantity\":3,"
                + "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":3}],"
                + "\"CustomerAWSAccountId\":\"111122223333\"}],\"ProductCode\":\"prod-1\"}")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                ConcurrentAgreementsInterceptor.rewriteBatchMeterUsage(
                    body, WireExtras.forUsageRecords(List.of(new RecordExtras(null, null)))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("UsageRecord 1 has no QuantityAsDecimal");
    assertThatThrownBy(
            () ->
                ConcurrentAgreementsInterceptor.rewriteBatchMeterUsage(
                    body, WireExtras.forUsageRecords(List.of(new RecordExtras(null, "3")))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 UsageAllocations, 0 AllocatedUsageQuantityAsDecimal given");
    assertThat(
            new String(
                ConcurrentAgreementsInterceptor.rewriteBatchMeterUsage(
                    body,
                    WireExtras.forUsageRecords(List.of(new RecordExtras(null, "3", List.of("3"))))),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"UsageRecords\":[{\"Timestamp\":1796032800.000,\"Dimension\":\"d\","
                + "\"QuantityAsDecimal\":\"3\","
                + "\"UsageAllocations\":[{\"AllocatedUsageQuantityAsDecimal\":\"3\"}],"
                + "\"CustomerAWSAccountId\":\"111122223333\"}],\"ProductCode\":\"prod-1\"}");
  }

  @Test
  void wholeAllocationsGoOutAsAllocatedUsageQuantityAsDecimalWithTheirTags() {
    server.answer(200, "{\"Results\":[],\"UnprocessedRecords\":[]}");
    MeteringRecord record =
        new MeteringRecord(CustomerId.awsAccount("111122223333"), "d", HOUR, 7)
            .withAllocations(
                List.of(
                    new UsageAllocation(BigDecimal.valueOf(2), Map.of()),
                    new UsageAllocation(
                        BigDecimal.valueOf(5), Map.of("team", "a", "env", "prod"))));
    gateway.metering().batchMeterUsage("prod-1", List.of(record));

    CapturingServer.Captured sent = server.captured().get(0);
    assertThat(sent.bodyText())
        .isEqualTo(
            "{\"UsageRecords\":[{\"Timestamp\":1796032800.000,\"Dimension\":\"d\","
                + "\"QuantityAsDecimal\":\"7\","
                + "\"UsageAllocations\":[{\"AllocatedUsageQuantityAsDecimal\":\"2\"},"
                + "{\"AllocatedUsageQuantityAsDecimal\":\"5\",\"Tags\":[{\"Key\":\"env\",\"Value\":\"prod\"},"
                + "{\"Key\":\"team\",\"Value\":\"a\"}]}],"
                + "\"CustomerAWSAccountId\":\"111122223333\"}],\"ProductCode\":\"prod-1\"}");
    assertThat(sent.header("Content-Length")).isEqualTo(Integer.toString(sent.body().length));
    assertThat(SigV4Check.valid(sent, AwsClients.SIMULATOR_SECRET_KEY)).isTrue();
  }

  @Test
  void aDecimalRecordSendsEveryAllocationAsAllocatedUsageQuantityAsDecimal() {
    server.answer(200, "{\"Results\":[],\"UnprocessedRecords\":[]}");
    // A whole total of fractional allocations is of the decimal kind too: QuantityAsDecimal "3".
    MeteringRecord record =
        new MeteringRecord(LICENSED_A, "gb", HOUR, 3)
            .withAllocations(
                List.of(
                    new UsageAllocation(new BigDecimal("1"), Map.of()),
                    new UsageAllocation(new BigDecimal("1.75"), Map.of("team", "a")),
                    new UsageAllocation(new BigDecimal("0.25"), Map.of("team", "b"))));
    gateway.metering().batchMeterUsage("prod-1", List.of(record));

    CapturingServer.Captured sent = server.captured().get(0);
    assertThat(sent.bodyText())
        .isEqualTo(
            "{\"UsageRecords\":[{\"Timestamp\":1796032800.000,\"Dimension\":\"gb\","
                + "\"QuantityAsDecimal\":\"3\","
                + "\"UsageAllocations\":[{\"AllocatedUsageQuantityAsDecimal\":\"1\"},"
                + "{\"AllocatedUsageQuantityAsDecimal\":\"1.75\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"a\"}]},"
                + "{\"AllocatedUsageQuantityAsDecimal\":\"0.25\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"b\"}]}],"
                + "\"CustomerAWSAccountId\":\"111122223333\",\"LicenseArn\":\""
                + LICENSE_A
                + "\"}]}");
    assertThat(sent.header("Content-Length")).isEqualTo(Integer.toString(sent.body().length));
    assertThat(SigV4Check.valid(sent, AwsClients.SIMULATOR_SECRET_KEY)).isTrue();
  }

  @Test
  void resultsAreMatchedByLicenseWhenTwoLicensesShareAccountDimensionAndHour() {
    MeteringRecord a = new MeteringRecord(LICENSED_A, "d", HOUR, 1);
    MeteringRecord b = new MeteringRecord(LICENSED_B, "d", HOUR, 1);
    server.answer(
        200,
        "{\"Results\":["
            + result(LICENSE_B, "m-b", "DuplicateRecord")
            + ","
            + result(LICENSE_A, "m-a", "Success")
            + "],\"UnprocessedRecords\":[]}");

    BatchMeterOutcome outcome = gateway.metering().batchMeterUsage("prod-1", List.of(a, b));

    assertThat(outcome.results())
        .extracting(MeteredRecord::record, MeteredRecord::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(b, MeterStatus.DUPLICATE_RECORD),
            org.assertj.core.groups.Tuple.tuple(a, MeterStatus.SUCCESS));
  }

  @Test
  void licensedAndLegacyRecordsNeverShareARequest() {
    assertThatThrownBy(
            () ->
                gateway
                    .metering()
                    .batchMeterUsage(
                        "prod-1",
                        List.of(
                            new MeteringRecord(LICENSED_A, "d", HOUR, 1),
                            new MeteringRecord(
                                CustomerId.awsAccount("111122223333"), "d", HOUR, 1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.captured()).isEmpty();
  }

  /**
   * Fails on the day the SDK model (marketplacemetering / marketplaceentitlement) has these fields:
   * whoever upgrades then deletes the workaround.
   */
  @Test
  void theServedSdkModelStillLacksTheFieldsTheInterceptorAdds() {
    String why =
        "the upgraded AWS SDK model has %s: delete ConcurrentAgreementsInterceptor and WireExtras,"
            + " set the field on the SDK builder in MeteringService / read it in EntitlementService,"
            + " and delete this test";
    assertThat(methods(UsageRecord.Builder.class))
        .as(why, "UsageRecord.licenseArn")
        .doesNotContain("licensearn");
    assertThat(methods(UsageRecord.Builder.class))
        .as(why, "UsageRecord.quantityAsDecimal")
        .doesNotContain("quantityasdecimal");
    assertThat(
            methods(
                software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation.Builder
                    .class))
        .as(why, "UsageAllocation.allocatedUsageQuantityAsDecimal")
        .doesNotContain("allocatedusagequantityasdecimal");
    assertThat(methods(Entitlement.Builder.class))
        .as(why, "Entitlement.licenseArn")
        .doesNotContain("licensearn");
  }

  private static List<String> methods(Class<?> type) {
    return Arrays.stream(type.getMethods())
        .map(Method::getName)
        .map(n -> n.toLowerCase(Locale.ROOT))
        .toList();
  }

  private static String result(String license, String id, String status) {
    return "{\"UsageRecord\":{\"Timestamp\":1796032800,\"Dimension\":\"d\",\"Quantity\":1,"
        + "\"CustomerAWSAccountId\":\"111122223333\",\"LicenseArn\":\""
        + license
        + "\"},\"MeteringRecordId\":\""
        + id
        + "\",\"Status\":\""
        + status
        + "\"}";
  }
}
