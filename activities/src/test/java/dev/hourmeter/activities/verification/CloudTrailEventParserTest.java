package dev.hourmeter.activities.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.TrailEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudTrailEventParserTest {

  private static final Instant EVENT_TIME = Instant.parse("2018-04-19T16:33:00Z");
  private final CloudTrailEventParser parser = new CloudTrailEventParser();

  private static TrailEvent event(String json) {
    return new TrailEvent(
        "ev-1", "BatchMeterUsage", "metering-marketplace.amazonaws.com", EVENT_TIME, json);
  }

  private static String documented(String timestamp, String customerField) {
    return """
        {"eventVersion":"1.05","eventTime":"2018-04-19T16:33:00Z","eventSource":"metering-marketplace.amazonaws.com",
         "eventName":"BatchMeterUsage","eventID":"ev-json",
         "requestParameters":{"productCode":"prod-1","usageRecords":[
           {"dimension":"requests","timestamp":%1$s,"%2$s":"123456789012","quantity":3}]},
         "responseElements":{"results":[
           {"usageRecord":{"dimension":"requests","timestamp":%1$s,"%2$s":"123456789012","quantity":3},
            "meteringRecordId":"mr-1","status":"Success"}],
          "unprocessedRecords":[]}}
        """
        .formatted(timestamp, customerField);
  }

  @Test
  void readsTheDocumentedNonIsoTimestamp() {
    List<TrailReceipt> receipts =
        parser.parse(event(documented("\"Apr 19, 2018 4:32:50 PM\"", "customerIdentifier")));
    assertThat(receipts)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.timestamp()).isEqualTo(Instant.parse("2018-04-19T16:32:50Z"));
              assertThat(r.productCode()).isEqualTo("prod-1");
              assertThat(r.customer()).isEqualTo("123456789012");
              assertThat(r.dimension()).isEqualTo("requests");
              assertThat(r.quantity()).isEqualTo(3);
              assertThat(r.meteringRecordId()).isEqualTo("mr-1");
              assertThat(r.success()).isTrue();
              assertThat(r.eventId()).isEqualTo("ev-json");
              assertThat(r.eventTime()).isEqualTo(EVENT_TIME);
              assertThat(r.key()).isNotNull();
            });
  }

  @Test
  void readsIsoAndEpochTimestampsAndTheAccountIdField() {
    Instant expected = Instant.parse("2018-04-19T16:00:00Z");
    assertThat(parser.parse(event(documented("\"2018-04-19T16:00:00Z\"", "customerAWSAccountId"))))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.timestamp()).isEqualTo(expected);
              assertThat(r.customer()).isEqualTo("123456789012");
            });
    assertThat(
            parser.parse(
                event(documented("\"2018-04-19T16:00:00.000+00:00\"", "customerIdentifier"))))
        .singleElement()
        .extracting(TrailReceipt::timestamp)
        .isEqualTo(expected);
    assertThat(parser.parse(event(documented("1524153600.000", "customerIdentifier"))))
        .singleElement()
        .extracting(TrailReceipt::timestamp)
        .isEqualTo(expected);
    assertThat(parser.parse(event(documented("1524153600000", "customerIdentifier"))))
        .singleElement()
        .extracting(TrailReceipt::timestamp)
        .isEqualTo(expected);
    assertThat(parser.parse(event(documented("\"1524153600\"", "customerIdentifier"))))
        .singleElement()
        .extracting(TrailReceipt::timestamp)
        .isEqualTo(expected);
    assertThat(CloudTrailEventParser.instant("apr 9, 2018 04:00:00 am"))
        .isEqualTo(Instant.parse("2018-04-09T04:00:00Z"));
    assertThat(CloudTrailEventParser.instant("Apr 19, 2018\u202f4:32:50\u202fPM"))
        .isEqualTo(Instant.parse("2018-04-19T16:32:50Z"));
    assertThat(CloudTrailEventParser.instant("not a time")).isNull();
  }

  @Test
  void missingFieldsGiveNullsAndNoKey() {
    String json =
        """
        {"eventName":"BatchMeterUsage","requestParameters":{},
         "responseElements":{"results":[
           {"meteringRecordId":"mr-2","status":"Success"},
           {"usageRecord":{"dimension":"d"},"status":"Success"},
           "not an object"]}}
        """;
    List<TrailReceipt> receipts = parser.parse(event(json));
    assertThat(receipts).hasSize(2);
    assertThat(receipts.get(0).meteringRecordId()).isEqualTo("mr-2");
    assertThat(receipts.get(0).key()).isNull();
    assertThat(receipts.get(0).eventId()).isEqualTo("ev-1");
    assertThat(receipts.get(1).dimension()).isEqualTo("d");
    assertThat(receipts.get(1).quantity()).isNull();
    assertThat(receipts.get(1).key()).isNull();
    assertThat(parser.parse(event("{\"eventName\":\"BatchMeterUsage\"}"))).isEmpty();
    assertThat(parser.parse(event("{\"eventName\":\"BatchMeterUsage\",\"responseElements\":null}")))
        .isEmpty();
    assertThat(parser.parse(event(null))).isEmpty();
  }

  @Test
  void ignoresEventsOfOtherNames() {
    String other =
        documented("\"Apr 19, 2018 4:32:50 PM\"", "customerIdentifier")
            .replace("\"eventName\":\"BatchMeterUsage\"", "\"eventName\":\"MeterUsage\"");
    assertThat(parser.parse(event(other))).isEmpty();
    TrailEvent otherByAttribute =
        new TrailEvent(
            "ev-2",
            "ResolveCustomer",
            "metering-marketplace.amazonaws.com",
            EVENT_TIME,
            documented("\"Apr 19, 2018 4:32:50 PM\"", "customerIdentifier"));
    assertThat(parser.parse(otherByAttribute)).isEmpty();
  }

  @Test
  void unprocessedRecordsAreNotReceiptsAndStatusIsKept() {
    String json =
        """
        {"eventName":"BatchMeterUsage","requestParameters":{"productCode":"p"},
         "responseElements":{
           "results":[{"usageRecord":{"dimension":"d","timestamp":"Apr 19, 2018 4:00:00 PM",
                        "customerIdentifier":"c1","quantity":1},"status":"CustomerNotSubscribed"}],
           "unprocessedRecords":[{"dimension":"d","timestamp":"Apr 19, 2018 4:00:00 PM",
                        "customerIdentifier":"c2","quantity":2}]}}
        """;
    List<TrailReceipt> receipts = parser.parse(event(json));
    assertThat(receipts)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.customer()).isEqualTo("c1");
              assertThat(r.success()).isFalse();
            });
  }

  @Test
  void malformedJsonIsSkipped() {
    assertThat(parser.parse(event("{\"eventName\":\"BatchMeterUsage\", \"responseElements\": {")))
        .isEmpty();
    assertThat(parser.parse(event("[1,2,3]"))).isEmpty();
    assertThat(parser.parse(event("   "))).isEmpty();
    assertThat(parser.parse(null)).isEmpty();
  }
}
