package dev.hourmeter.simulator;

import static dev.hourmeter.simulator.ConcurrentAgreementsTest.assertError;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.statuses;
import static dev.hourmeter.simulator.QuantityAsDecimalTest.allocation;
import static dev.hourmeter.simulator.QuantityAsDecimalTest.decimal;
import static dev.hourmeter.simulator.QuantityAsDecimalTest.record;
import static dev.hourmeter.simulator.QuantityAsDecimalTest.withAllocations;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Quantity} and {@code AllocatedUsageQuantity} (deprecated by AWS since 2026-10-20) are
 * still accepted and counted, and CloudTrail shows each record's quantity in the field it was sent
 * with.
 */
class DeprecatedQuantityFieldsTest extends SimulatorTestBase {

  private static final String DEC = "AllocatedUsageQuantityAsDecimal";
  private static final String INT = "AllocatedUsageQuantity";

  /** An hour before {@link #HOUR}, still inside the timestamp window. */
  private static final Instant EARLIER = HOUR.minusSeconds(3600);

  @BeforeEach
  void subscribe() {
    subscribeAccount(ACCOUNT, "requests", "storage", "cpu");
  }

  private HttpSupport.Reply send(ObjectNode... records) {
    ObjectNode body = HttpSupport.JSON.createObjectNode().put("ProductCode", PRODUCT);
    ArrayNode list = body.putArray("UsageRecords");
    List.of(records).forEach(list::add);
    return SignedJson.post(sim, SignedJson.METERING, body.toString());
  }

  private long counted() {
    long java = sim.deprecatedQuantityRecords();
    JsonNode ledger = HttpSupport.send(sim, "GET", "/_sim/ledger", null).body();
    assertThat(ledger.path("deprecatedQuantityRecords").isIntegralNumber())
        .as("control API: %s", ledger)
        .isTrue();
    assertThat(ledger.path("deprecatedQuantityRecords").asLong()).isEqualTo(java);
    return java;
  }

  @Test
  void recordsWithDeprecatedFieldsAreAcceptedAndCountedWhateverBecomesOfThem() {
    assertThat(
            statuses(
                send(
                    decimal("requests", "17"),
                    withAllocations(
                        decimal("storage", "3"),
                        allocation(DEC, "1", "a"),
                        allocation(DEC, "2", "b")),
                    decimal("cpu", "0"))))
        .containsExactly("Success", "Success", "Success");
    assertThat(counted()).as("QuantityAsDecimal everywhere").isZero();

    assertThat(statuses(send(decimal("requests", "17.0")))).containsExactly("Success");
    assertThat(counted()).isZero();

    // Accepted, as AWS still does; each record counted once, its allocations with it.
    ObjectNode whole = record("requests").put("Timestamp", EARLIER.getEpochSecond());
    ObjectNode allocated =
        withAllocations(
            record("storage").put("Timestamp", EARLIER.getEpochSecond()).put("Quantity", 3),
            allocation(INT, 1, "a"),
            allocation(INT, 2, "b"));
    assertThat(statuses(send(whole.put("Quantity", 5), allocated)))
        .containsExactly("Success", "Success");
    assertThat(counted()).isEqualTo(2);
    // A resend and a DuplicateRecord count too: the count is about what arrives, not what is
    // billed.
    assertThat(statuses(send(whole.deepCopy()))).containsExactly("Success");
    assertThat(statuses(send(whole.deepCopy().put("Quantity", 6))))
        .containsExactly("DuplicateRecord");
    assertThat(counted()).isEqualTo(4);
    // A decimal record mixing in one AllocatedUsageQuantity is refused, and counted.
    assertError(
        send(
            withAllocations(
                decimal("cpu", "3"), allocation(DEC, "1", "a"), allocation(INT, 2, "b"))),
        "InvalidUsageAllocationsException",
        DEC);
    assertThat(counted()).isEqualTo(5);
    // A request refused as malformed is not counted: nothing in it was read as a record.
    assertError(
        send(decimal("cpu", "1").put("Quantity", 1)),
        "ValidationException",
        "either Quantity or QuantityAsDecimal");
    assertThat(counted()).isEqualTo(5);

    assertThat(sim.ledger())
        .extracting(e -> e.dimension() + "=" + e.quantityAsDecimal().toPlainString())
        .containsExactly("requests=17", "storage=3", "cpu=0", "requests=5", "storage=3");

    sim.reset();
    assertThat(counted()).isZero();
  }

  @Test
  void cloudTrailCarriesEachQuantityInTheFieldItWasSentWith() throws Exception {
    statuses(
        send(
            record("requests").put("Quantity", 17),
            decimal("storage", "17"),
            withAllocations(decimal("cpu", "3"), allocation(DEC, "3", "a"))));
    statuses(
        send(
            withAllocations(
                record("cpu").put("Timestamp", EARLIER.getEpochSecond()).put("Quantity", 3),
                allocation(INT, 3, "a")),
            record("requests").put("Timestamp", EARLIER.getEpochSecond())));

    JsonNode first = HttpSupport.JSON.readTree(sim.cloudTrailEvents().get(0));
    for (String path : List.of("/requestParameters/usageRecords", "/responseElements/results")) {
      JsonNode records = first.at(path);
      JsonNode asQuantity = usage(records.get(0));
      assertThat(asQuantity.path("quantity").isIntegralNumber()).as(path).isTrue();
      assertThat(asQuantity.path("quantity").asLong()).isEqualTo(17);
      assertThat(asQuantity.has("quantityAsDecimal")).as(path).isFalse();
      JsonNode asDecimal = usage(records.get(1));
      assertThat(asDecimal.path("quantityAsDecimal").asText()).as(path).isEqualTo("17");
      assertThat(asDecimal.has("quantity")).as(path).isFalse();
      JsonNode allocated = usage(records.get(2));
      assertThat(allocated.at("/usageAllocations/0/allocatedUsageQuantityAsDecimal").asText())
          .isEqualTo("3");
      assertThat(allocated.at("/usageAllocations/0").has("allocatedUsageQuantity")).isFalse();
    }

    JsonNode second = HttpSupport.JSON.readTree(sim.cloudTrailEvents().get(1));
    JsonNode oldAllocation = second.at("/requestParameters/usageRecords/0");
    assertThat(oldAllocation.path("quantity").asLong()).isEqualTo(3);
    assertThat(oldAllocation.at("/usageAllocations/0/allocatedUsageQuantity").asLong())
        .isEqualTo(3);
    JsonNode neither = second.at("/requestParameters/usageRecords/1");
    assertThat(neither.has("quantity") || neither.has("quantityAsDecimal"))
        .as("a record sent with neither field (billed as 0) shows neither: %s", neither)
        .isFalse();
    assertThat(sim.ledger(PRODUCT, ACCOUNT))
        .filteredOn(e -> e.dimension().equals("requests"))
        .extracting(e -> e.quantityAsDecimal().toPlainString())
        .containsExactly("17", "0");
  }

  /** A request usage record as is, or a result's echoed one. */
  private static JsonNode usage(JsonNode entry) {
    return entry.has("usageRecord") ? entry.get("usageRecord") : entry;
  }
}
