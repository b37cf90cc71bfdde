package dev.hourmeter.simulator;

import static dev.hourmeter.simulator.ConcurrentAgreementsTest.assertError;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** QuantityAsDecimal as the current AWS model defines it, over signed AWS JSON. */
class QuantityAsDecimalTest extends SimulatorTestBase {

  @BeforeEach
  void subscribe() {
    subscribeAccount(ACCOUNT, "requests", "storage");
  }

  static ObjectNode record(String dimension) {
    ObjectNode record = HttpSupport.JSON.createObjectNode();
    record.put("Timestamp", HOUR.getEpochSecond());
    record.put("CustomerAWSAccountId", ACCOUNT);
    record.put("Dimension", dimension);
    return record;
  }

  static ObjectNode decimal(String dimension, String quantity) {
    return record(dimension).put("QuantityAsDecimal", quantity);
  }

  HttpSupport.Reply send(ObjectNode... records) {
    ObjectNode body = HttpSupport.JSON.createObjectNode().put("ProductCode", PRODUCT);
    ArrayNode list = body.putArray("UsageRecords");
    List.of(records).forEach(list::add);
    return SignedJson.post(sim, SignedJson.METERING, body.toString());
  }

  @Test
  void seventeenSeventeenPointZeroAndSeventeenPointZeroZeroAreOneQuantity() {
    HttpSupport.Reply first = send(record("requests").put("Quantity", 17));
    String id = first.body().at("/Results/0/MeteringRecordId").asText();
    for (String same : List.of("17", "17.0", "17.00", "17.000000")) {
      HttpSupport.Reply again = send(decimal("requests", same));
      assertThat(statuses(again)).as(same).containsExactly("Success");
      assertThat(again.body().at("/Results/0/MeteringRecordId").asText()).isEqualTo(id);
      assertThat(again.body().at("/Results/0/UsageRecord/QuantityAsDecimal").asText())
          .as("echoed as sent")
          .isEqualTo(same);
    }
    assertThat(statuses(send(decimal("requests", "17.000001")))).containsExactly("DuplicateRecord");
    assertThat(statuses(send(record("requests").put("Quantity", 18))))
        .containsExactly("DuplicateRecord");

    HttpSupport.Reply fractional = send(decimal("storage", "17.42"));
    assertThat(statuses(fractional)).containsExactly("Success");
    assertThat(statuses(send(decimal("storage", "17.420")))).containsExactly("Success");
    assertThat(statuses(send(record("storage").put("Quantity", 17))))
        .containsExactly("DuplicateRecord");

    assertThat(sim.ledger())
        .extracting(LedgerEntry::quantity, LedgerEntry::quantityAsDecimal)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(17L, new BigDecimal("17")),
            org.assertj.core.groups.Tuple.tuple(17L, new BigDecimal("17.42")));
    JsonNode ledger = HttpSupport.send(sim, "GET", "/_sim/ledger", null).body().path("records");
    assertThat(ledger.get(1).path("quantityAsDecimal").asText()).isEqualTo("17.42");
    assertThat(ledger.get(1).path("quantity").asLong()).isEqualTo(17);
    assertThat(ledger.get(0).path("quantityAsDecimal").asText()).isEqualTo("17");
  }

  @Test
  void theModelsPatternIsEnforced() {
    for (String bad :
        List.of("017", "1.1234567", "-1", "1e3", "12345678901", "1.", ".5", " 1", "", "0x10")) {
      assertError(
          send(decimal("requests", bad)),
          "ValidationException",
          "usageRecords.1.member.quantityAsDecimal");
    }
    for (String good : List.of("0", "0.5", "9999999999.999999", "1234567890")) {
      assertThat(statuses(send(decimal("requests", good), decimal("storage", good))))
          .as(good)
          .isSubsetOf("Success", "DuplicateRecord");
    }
    HttpSupport.Reply number = send(record("requests").put("QuantityAsDecimal", 5));
    assertThat(number.status()).isEqualTo(400);
    assertThat(number.body().path("__type").asText()).isEqualTo("ValidationException");
  }

  @Test
  void quantityAndQuantityAsDecimalTogetherFailTheWholeRequest() {
    assertError(
        send(decimal("requests", "1"), decimal("storage", "2").put("Quantity", 2)),
        "ValidationException",
        "Usage record 2: specify either Quantity or QuantityAsDecimal, not both");
    assertThat(sim.ledger()).isEmpty();
  }

  static ObjectNode allocation(String field, Object quantity, String tag) {
    ObjectNode allocation = HttpSupport.JSON.createObjectNode();
    if (quantity instanceof String s) {
      allocation.put(field, s);
    } else {
      allocation.put(field, (Integer) quantity);
    }
    allocation.putArray("Tags").addObject().put("Key", "team").put("Value", tag);
    return allocation;
  }

  static ObjectNode withAllocations(ObjectNode record, ObjectNode... allocations) {
    ArrayNode list = record.putArray("UsageAllocations");
    List.of(allocations).forEach(list::add);
    return record;
  }

  @Test
  void decimalAllocationsGoWithDecimalQuantitiesAndAddUpByValue() {
    String dec = "AllocatedUsageQuantityAsDecimal";
    String integer = "AllocatedUsageQuantity";
    assertThat(
            statuses(
                send(
                    withAllocations(
                        decimal("requests", "3.50"),
                        allocation(dec, "1.25", "a"),
                        allocation(dec, "2.25", "b")))))
        .containsExactly("Success");

    assertError(
        send(withAllocations(decimal("storage", "3"), allocation(integer, 3, "a"))),
        "InvalidUsageAllocationsException",
        dec);
    assertError(
        send(withAllocations(record("storage").put("Quantity", 3), allocation(dec, "3", "a"))),
        "InvalidUsageAllocationsException",
        integer);
    assertError(
        send(
            withAllocations(
                decimal("storage", "3"), allocation(dec, "1", "a"), allocation(dec, "1.5", "b"))),
        "InvalidUsageAllocationsException",
        "add up to 2.5");
    ObjectNode both = allocation(dec, "3", "a").put(integer, 3);
    assertError(
        send(withAllocations(decimal("storage", "3"), both)),
        "InvalidUsageAllocationsException",
        "exactly one");
    assertError(
        send(withAllocations(decimal("storage", "3"), allocation(dec, "3.", "a"))),
        "ValidationException",
        "usageAllocations.1.member.allocatedUsageQuantityAsDecimal");
    assertThat(sim.ledger()).hasSize(1);
  }

  @Test
  void cloudTrailShowsTheDecimalQuantity() throws Exception {
    statuses(send(decimal("requests", "0.25")));
    JsonNode event = HttpSupport.JSON.readTree(sim.cloudTrailEvents().get(0));
    assertThat(event.at("/requestParameters/productCode").asText()).isEqualTo(PRODUCT);
    assertThat(event.at("/requestParameters/usageRecords/0/quantityAsDecimal").asText())
        .isEqualTo("0.25");
    assertThat(event.at("/requestParameters/usageRecords/0").has("quantity")).isFalse();
  }
}
