package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** The AWS JSON 1.1 wire contract, checked with raw HTTP. */
class WireProtocolTest extends SimulatorTestBase {

  private static final String METERING = "AWSMPMeteringService.BatchMeterUsage";

  @Test
  void unknownTargetIsUnknownOperationException() {
    HttpSupport.Reply reply = HttpSupport.aws(sim, "AWSMPMeteringService.MeterUsage", "{}");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().path("__type").asText()).isEqualTo("UnknownOperationException");
    assertThat(reply.body().path("message").asText()).contains("AWSMPMeteringService.MeterUsage");
    assertThat(reply.raw().headers().firstValue("x-amzn-ErrorType"))
        .hasValue("UnknownOperationException");
    assertThat(reply.raw().headers().firstValue("Content-Type"))
        .hasValue("application/x-amz-json-1.1");

    assertThat(HttpSupport.aws(sim, null, "{}").body().path("__type").asText())
        .isEqualTo("UnknownOperationException");
  }

  @Test
  void malformedJsonUsesEachServicesValidationType() {
    HttpSupport.Reply metering = HttpSupport.aws(sim, METERING, "{not json");
    assertThat(metering.status()).isEqualTo(400);
    assertThat(metering.body().path("__type").asText()).isEqualTo("ValidationException");

    HttpSupport.Reply entitlement =
        HttpSupport.aws(sim, "AWSMPEntitlementService.GetEntitlements", "{}");
    assertThat(entitlement.status()).isEqualTo(400);
    assertThat(entitlement.body().path("__type").asText()).isEqualTo("InvalidParameterException");
    assertThat(entitlement.body().path("message").asText()).contains("ProductCode");

    HttpSupport.Reply missing = HttpSupport.aws(sim, METERING, "{\"ProductCode\":\"p\"}");
    assertThat(missing.body().path("__type").asText()).isEqualTo("ValidationException");
    assertThat(missing.body().path("message").asText()).contains("usageRecords");
  }

  @Test
  void acceptsIsoTimestampsAndAnswersWithEpochSeconds() {
    subscribeAccount(ACCOUNT, "requests");
    String body =
        "{\"ProductCode\":\""
            + PRODUCT
            + "\",\"UsageRecords\":[{\"Timestamp\":\"2026-11-26T10:00:00Z\","
            + "\"Dimension\":\"requests\",\"Quantity\":3,\"CustomerAWSAccountId\":\""
            + ACCOUNT
            + "\"}]}";
    HttpSupport.Reply reply = HttpSupport.aws(sim, METERING, body);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.raw().headers().firstValue("Content-Type"))
        .hasValue("application/x-amz-json-1.1");
    assertThat(reply.raw().headers().firstValue("x-amzn-RequestId")).isPresent();
    var timestamp = reply.body().at("/Results/0/UsageRecord/Timestamp");
    assertThat(timestamp.isNumber()).isTrue();
    assertThat(timestamp.decimalValue()).isEqualByComparingTo("1795687200");
    assertThat(reply.body().at("/Results/0/Status").asText()).isEqualTo("Success");
    assertThat(sim.ledger())
        .singleElement()
        .satisfies(e -> assertThat(e.timestamp()).isEqualTo(HOUR));
  }

  @Test
  void requestLogRecordsEveryApiCall() {
    subscribeAccount(ACCOUNT, "requests");
    Instant before = Instant.now();
    meter(accountRecord(ACCOUNT, "requests", HOUR, 1), accountRecord(ACCOUNT, "requests", HOUR, 1));
    HttpSupport.aws(sim, "Nope.Nothing", "{}");
    entitlement.getEntitlements(b -> b.productCode(PRODUCT));

    assertThat(sim.requestLog())
        .extracting(
            RequestLogEntry::operation,
            RequestLogEntry::status,
            RequestLogEntry::errorType,
            RequestLogEntry::records)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("BatchMeterUsage", 200, null, 2),
            org.assertj.core.groups.Tuple.tuple(
                "Nope.Nothing", 400, "UnknownOperationException", null),
            org.assertj.core.groups.Tuple.tuple("GetEntitlements", 200, null, null));
    assertThat(sim.requestLog().get(0).receivedAt()).isAfterOrEqualTo(before.minusMillis(1));

    HttpSupport.Reply log = HttpSupport.send(sim, "GET", "/_sim/requests", null);
    var first = log.body().path("requests").get(0);
    assertThat(first.path("operation").asText()).isEqualTo("BatchMeterUsage");
    assertThat(first.path("records").asInt()).isEqualTo(2);
    assertThat(first.path("errorType").isNull()).isTrue();
    String receivedAt = first.path("receivedAt").asText();
    assertThat(receivedAt).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(Instant.from(DateTimeFormatter.ISO_INSTANT.parse(receivedAt)))
        .isEqualTo(
            sim.requestLog().get(0).receivedAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }
}
