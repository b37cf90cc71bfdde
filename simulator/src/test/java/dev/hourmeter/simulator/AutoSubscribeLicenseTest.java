package dev.hourmeter.simulator;

import static dev.hourmeter.simulator.ConcurrentAgreementsTest.L1;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.L2;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.assertError;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.record;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.request;
import static dev.hourmeter.simulator.ConcurrentAgreementsTest.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** {@code --auto-subscribe} accepts any license of a 12-digit account. */
class AutoSubscribeLicenseTest extends SimulatorTestBase {

  @Override
  protected MarketplaceSimulator.Builder configure(MarketplaceSimulator.Builder builder) {
    return super.configure(builder).autoSubscribe(true);
  }

  private HttpSupport.Reply meterJson(ObjectNode... records) {
    return SignedJson.post(sim, SignedJson.METERING, request(null, records));
  }

  @Test
  void anyLicenseOfAWellFormedAccountIsAcceptedAndStaysThatAccounts() {
    assertThat(statuses(meterJson(record(ACCOUNT, L1, "cpu", 2), record(ACCOUNT, L2, "cpu", 3))))
        .containsExactly("Success", "Success");
    assertThat(statuses(meterJson(record(ACCOUNT, L1, "cpu", 9))))
        .containsExactly("DuplicateRecord");
    assertThat(sim.ledger())
        .extracting(LedgerEntry::licenseArn, LedgerEntry::productCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(L1, null),
            org.assertj.core.groups.Tuple.tuple(L2, null));

    assertError(
        meterJson(record(account(5), L1, "cpu", 1)),
        "InvalidLicenseException",
        "not a license of account " + account(5));
    assertError(
        meterJson(record("12345678901", L1, "cpu", 1)),
        "InvalidCustomerIdentifierException",
        "12345678901");
    JsonNode first = HttpSupport.send(sim, "GET", "/_sim/ledger", null).body().at("/records/0");
    assertThat(first.path("productCode").isNull()).isTrue();
    assertThat(first.path("licenseArn").asText()).isEqualTo(L1);
  }

  @Test
  void anExplicitLicenseStillDecidesItsProductAndAccount() {
    sim.subscribe(SubscriptionSpec.ofLicense("prod-ca", ACCOUNT, L1, "cpu"));
    assertThat(statuses(meterJson(record(ACCOUNT, L1, "cpu", 1), record(ACCOUNT, L2, "cpu", 1))))
        .containsExactly("Success", "Success");
    assertThat(sim.ledger())
        .extracting(LedgerEntry::productCode)
        .as("a new license in a request of a known product is that product's")
        .containsExactly("prod-ca", "prod-ca");
    assertError(
        meterJson(record(account(5), L1, "cpu", 1)),
        "InvalidLicenseException",
        "not a license of account");
  }
}
