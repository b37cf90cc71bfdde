package dev.hourmeter.worker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.client.usage.UsageEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestParserTest {

  @Test
  void aJsonBatchIsReadExactly() throws Exception {
    List<IngestParser.Item> items =
        parse(
            """
            {"events": [
              {"id": "e-1", "product": "p", "customer": "c", "dimension": "requests",
               "quantity": 0.12345678901234567890, "timestamp": "2026-01-01T10:00:00Z",
               "tags": {"team": "a"}, "extra": true},
              {"id": "e-2", "product": "p", "customer": "123456789012",
               "licenseArn": "arn:aws:license-manager::1:license/l-1", "dimension": "gb", "quantity": 7}
            ]}""",
            IngestParser.JSON);
    UsageEvent first = items.get(0).event();
    assertThat(first.quantity().toPlainString()).isEqualTo("0.1234567890123456789"); // no double
    assertThat(first.timestamp()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(first.tags()).isEqualTo(Map.of("team", "a"));
    assertThat(items.get(1).event().licenseArn()).endsWith("l-1");
    assertThat(parse("[" + event("x", "1") + "]", IngestParser.JSON)).hasSize(1);
  }

  @Test
  void aMalformedEventIsRefusedAloneNamingTheField() throws Exception {
    List<IngestParser.Item> items =
        parse(
            "{\"events\": ["
                + event("ok", "1")
                + ", "
                + event("str", "\"5\"")
                + ", {\"id\": 7, \"product\": \"p\", \"customer\": \"c\", \"dimension\": \"d\","
                + " \"quantity\": 1}, "
                + "{\"id\": \"no-dim\", \"product\": \"p\", \"customer\": \"c\", \"quantity\": 1}, "
                + "{\"id\": \"tag\", \"product\": \"p\", \"customer\": \"c\", \"dimension\": \"d\","
                + " \"quantity\": 1, \"tags\": {\"team\": 1}}, 42]}",
            IngestParser.JSON);
    assertThat(items.get(0).problem()).isNull();
    assertThat(items.get(1).problem())
        .isEqualTo("events[1].quantity: must be a number, got a string");
    assertThat(items.get(1).id()).isEqualTo("str");
    assertThat(items.get(2).problem()).isEqualTo("events[2].id: must be a string, got a number");
    assertThat(items.get(3).problem()).isEqualTo("events[3].dimension: is required");
    assertThat(items.get(4).problem())
        .isEqualTo("events[4].tags.team: must be a string, got a number");
    assertThat(items.get(5).problem()).isEqualTo("events[5]: must be an object, got a number");
  }

  @Test
  void cloudEventsTakeCustomerFromSubjectAndDimensionFromTypeUnlessDataNamesThem()
      throws Exception {
    List<IngestParser.Item> items =
        parse(
            """
            [{"specversion": "1.0", "id": "ce-1", "source": "svc", "type": "requests",
              "subject": "cust-1", "time": "2026-01-01T10:00:00Z",
              "data": {"product": "p", "quantity": 3}},
             {"specversion": "1.0", "id": "ce-2", "source": "svc", "type": "ignored",
              "subject": "ignored", "data": {"product": "p", "customer": "c-2",
              "dimension": "gb", "quantity": 1.5, "tags": {"env": "prod"}}},
             {"specversion": "0.3", "id": "ce-3", "data": {"product": "p", "quantity": 1}},
             {"specversion": "1.0", "id": "ce-4", "subject": "c", "type": "t", "data": "x"}]""",
            IngestParser.CLOUDEVENTS_BATCH);
    UsageEvent first = items.get(0).event();
    assertThat(first.customer()).isEqualTo("cust-1");
    assertThat(first.dimension()).isEqualTo("requests");
    assertThat(first.timestamp()).isEqualTo("2026-01-01T10:00:00Z");
    UsageEvent second = items.get(1).event();
    assertThat(second.customer()).isEqualTo("c-2");
    assertThat(second.dimension()).isEqualTo("gb");
    assertThat(second.tags()).isEqualTo(Map.of("env", "prod"));
    assertThat(items.get(2).problem()).startsWith("events[2].specversion: must be 1.0");
    assertThat(items.get(3).problem())
        .isEqualTo("events[3].data: must be an object holding product and quantity, got a string");
    assertThat(
            parse(
                    "{\"specversion\": \"1.0\", \"id\": \"one\", \"subject\": \"c\", \"type\": \"t\","
                        + " \"data\": {\"product\": \"p\", \"quantity\": 1}}",
                    IngestParser.CLOUDEVENT)
                .get(0)
                .event()
                .id())
        .isEqualTo("one");
  }

  @Test
  void aBodyThatIsNotABatchIsRefusedAsAWhole() {
    assertThatThrownBy(() -> parse("{", IngestParser.JSON))
        .isInstanceOf(IngestParser.BadBatch.class)
        .hasMessageStartingWith("body: is not valid JSON");
    assertThatThrownBy(() -> parse("{\"event\": []}", IngestParser.JSON))
        .hasMessage("events: is required (an array of usage events)");
    assertThatThrownBy(() -> parse("{\"events\": []}", IngestParser.JSON))
        .hasMessage("events: must hold at least one event");
    assertThatThrownBy(() -> parse("{\"events\": {}}", IngestParser.JSON))
        .hasMessage("events: must be an array of events, got an object");
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i <= IngestParser.MAX_EVENTS; i++) {
      many.append(i == 0 ? "" : ",").append(event("e" + i, "1"));
    }
    assertThatThrownBy(() -> parse(many + "]", IngestParser.JSON))
        .hasMessageStartingWith("events: at most 1000 events per request, got 1001");
    assertThatThrownBy(() -> parse("{\"a\": 1, \"a\": 2}", IngestParser.JSON))
        .hasMessageContaining("Duplicate field 'a'");
    assertThat(IngestParser.mediaType("Application/JSON; charset=utf-8"))
        .isEqualTo("application/json");
  }

  static String event(String id, String quantity) {
    return "{\"id\": \""
        + id
        + "\", \"product\": \"p\", \"customer\": \"c\", \"dimension\": \"d\", \"quantity\": "
        + quantity
        + "}";
  }

  private static List<IngestParser.Item> parse(String body, String mediaType)
      throws IngestParser.BadBatch {
    return IngestParser.parse(body.getBytes(StandardCharsets.UTF_8), mediaType);
  }
}
