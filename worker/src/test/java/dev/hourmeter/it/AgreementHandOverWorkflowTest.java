package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.H00;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.model.api.AgreementChain;
import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.AgreementLink;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.state.Succession;
import io.temporal.client.WorkflowStub;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The workflow's side of a renewal (time skipping, the simulator over HTTP; FindSuccessor answered
 * by {@link TestSuccessors}, the visibility search itself runs in {@code AgreementHandOverIT}): the
 * old license bills what was used before the hand-over, the successor what was used after, whoever
 * it was sent to; a successor that never appears ends the old license as a cancellation.
 */
class AgreementHandOverWorkflowTest {

  private static final String PRODUCT = "prod-handover";
  private static final String ACCOUNT = "123456789012";
  private static final String OLD =
      "arn:aws:license-manager::123456789012:license/l-00000000000000000000000000000001";
  private static final String NEW =
      "arn:aws:license-manager::123456789012:license/l-00000000000000000000000000000002";

  private MeteringTestEnvironment env;

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aRenewalMidPeriodBillsEachUnitOnceUnderTheLicenseInForce() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    CustomerMeteringWorkflow old = start(OLD);
    report(old, "before", at(0, 40), 5);
    env.sleepUntil(at(1, 30));
    report(old, "switch-hour-before", at(1, 30), 2);

    // Renewed at 01:40; the successor's workflow starts at once (Created event first).
    Instant switchAt = at(1, 40);
    env.sleepUntil(switchAt);
    CustomerMeteringWorkflow successor = start(NEW);
    env.successors.link(id(old), id(successor), NEW);
    old.agreementEnded(new AgreementEnd("agmt-old", "RENEWED", switchAt));
    report(old, "switch-hour-after", at(1, 45), 7); // sent to the old license: forwarded
    report(successor, "new-direct", at(1, 50), 11);
    env.sleepUntil(at(2, 30));
    report(old, "late-to-old", at(2, 30), 13); // after the old license's last period
    env.sleepUntil(at(4, 10));

    List<LedgerEntry> oldLedger = env.simulator.ledger(PRODUCT, ACCOUNT, OLD);
    List<LedgerEntry> newLedger = env.simulator.ledger(PRODUCT, ACCOUNT, NEW);
    assertThat(quantity(oldLedger, hour(0))).isEqualTo(5);
    assertThat(quantity(oldLedger, hour(1))).isEqualTo(2);
    assertThat(oldLedger).allMatch(e -> !e.timestamp().isAfter(hour(1)));
    assertThat(quantity(newLedger, hour(1))).isEqualTo(7 + 11);
    assertThat(quantity(newLedger, hour(2))).isEqualTo(13);
    assertThat(newLedger).allMatch(e -> !e.timestamp().isBefore(hour(1)));

    MeteringStatus oldStatus = old.status();
    assertThat(oldStatus.state()).isEqualTo(MeteringState.HANDED_OVER);
    AgreementChain chain = oldStatus.agreement();
    assertThat(chain.endStatus()).isEqualTo("RENEWED");
    assertThat(chain.endedAt()).isEqualTo(switchAt);
    assertThat(chain.successor().workflowId()).isEqualTo(id(successor));
    assertThat(chain.forwardedReports()).isEqualTo(2);
    assertThat(chain.heldReports()).isZero();
    assertThat(successor.status().agreement().predecessor().workflowId()).isEqualTo(id(old));
    assertThat(successor.status().agreement().predecessor().handedOverAt()).isEqualTo(switchAt);

    // A second ending changes nothing; the old workflow keeps forwarding until unsubscribed.
    old.agreementEnded(new AgreementEnd("agmt-old", "RENEWED", at(3, 0)));
    assertThat(old.status().agreement().endedAt()).isEqualTo(switchAt);
    old.unsubscribe();
    WorkflowStub.fromTyped(old).getResult(Void.class);
    assertThat(old.status().state()).isEqualTo(MeteringState.ENDED);
  }

  @Test
  void pulledUsageStillNamingTheOldLicenseIsBilledUnderTheOneInForce() {
    InMemoryUsageSource source = new InMemoryUsageSource();
    env = new MeteringTestEnvironment(source);
    CustomerMeteringWorkflow old = start(OLD);
    pulled(source, OLD, at(1, 10), 3);
    pulled(source, OLD, at(1, 50), 4); // after the switch, still named with the old license
    pulled(source, OLD, at(2, 20), 6);
    pulled(source, NEW, at(2, 30), 8);
    Instant switchAt = at(1, 40);
    env.sleepUntil(switchAt);
    CustomerMeteringWorkflow successor = start(NEW);
    env.successors.link(id(old), id(successor), NEW);
    old.agreementEnded(new AgreementEnd("agmt-old", "RENEWED", switchAt));
    env.sleepUntil(at(3, 10));

    assertThat(quantity(env.simulator.ledger(PRODUCT, ACCOUNT, OLD), hour(1))).isEqualTo(3);
    assertThat(quantity(env.simulator.ledger(PRODUCT, ACCOUNT, OLD), hour(2))).isZero();
    assertThat(quantity(env.simulator.ledger(PRODUCT, ACCOUNT, NEW), hour(1))).isEqualTo(4);
    assertThat(quantity(env.simulator.ledger(PRODUCT, ACCOUNT, NEW), hour(2))).isEqualTo(6 + 8);
  }

  private static void pulled(InMemoryUsageSource source, String license, Instant at, long q) {
    source.add(
        new UsageObservation(PRODUCT, ACCOUNT, "requests", BigDecimal.valueOf(q), at, license));
  }

  @Test
  void noSuccessorWithinTheWaitEndsTheOldLicenseAsACancellation() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    CustomerMeteringWorkflow old = start(OLD);
    report(old, "before", at(0, 40), 5);
    Instant switchAt = at(0, 50);
    env.sleepUntil(switchAt);
    old.agreementEnded(new AgreementEnd("agmt-old", "REPLACED", switchAt));
    report(old, "after", at(0, 55), 3);
    env.sleepUntil(switchAt.plus(Succession.SUCCESSOR_WAIT).plus(Duration.ofMinutes(30)));

    WorkflowStub.fromTyped(old).getResult(Void.class);
    MeteringStatus status = old.status();
    assertThat(status.state()).isEqualTo(MeteringState.ENDED);
    assertThat(status.stateReason()).contains("ended as a cancellation").contains("1 report(s)");
    assertThat(status.agreement().successor()).isNull();
    assertThat(status.agreement().unforwardedReports()).isEqualTo(1);
    assertThat(quantity(env.simulator.ledger(PRODUCT, ACCOUNT, OLD), hour(0))).isEqualTo(5);
    assertThat(env.successors.calls()).isGreaterThan(1);
  }

  @Test
  void usageBookedAfterTheSwitchBeforeTheEndWasLearntGoesToTheSuccessor() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    CustomerMeteringWorkflow old = start(OLD);
    report(old, "before", at(0, 30), 5);
    env.sleepUntil(at(0, 40)); // renewed now; the successor starts at once
    CustomerMeteringWorkflow successor = start(NEW);
    env.successors.link(id(old), id(successor), NEW);
    report(old, "after-switch", at(1, 10), 3); // the old workflow does not know yet
    report(old, "tagged-after-switch", at(1, 15), 2, Map.of("team", "a"));
    env.sleepUntil(at(1, 30)); // the Ended event handled late (an intake outage)
    old.agreementEnded(new AgreementEnd("agmt-old", "RENEWED", at(0, 40)));
    env.sleepUntil(at(3, 10));

    List<LedgerEntry> oldLedger = env.simulator.ledger(PRODUCT, ACCOUNT, OLD);
    List<LedgerEntry> newLedger = env.simulator.ledger(PRODUCT, ACCOUNT, NEW);
    assertThat(quantity(oldLedger, hour(0))).isEqualTo(5);
    assertThat(oldLedger).allMatch(e -> e.timestamp().equals(hour(0)));
    assertThat(quantity(newLedger, hour(1))).isEqualTo(3 + 2);
    assertThat(newLedger)
        .filteredOn(e -> e.timestamp().equals(hour(1)))
        .flatExtracting(LedgerEntry::allocations)
        .isNotEmpty();
    assertThat(old.status().state()).isEqualTo(MeteringState.HANDED_OVER);
  }

  @Test
  void usageAnOutageKeptFromTheOldLicenseUntilItsWindowClosedIsBilledByTheSuccessor() {
    // PT1M periods, batching off (as AwsOutageWorkflowTest): a period's window closes 6 minutes
    // after its start.
    env = new MeteringTestEnvironment(new InMemoryUsageSource(), false, Duration.ofMinutes(1));
    Instant t0 = MeteringTestEnvironment.START; // a period start
    CustomerMeteringWorkflow old = start(OLD, Duration.ofMinutes(1));
    env.sleepUntil(t0.plusSeconds(10));
    old.reportUsage(usage("before", t0.plusSeconds(10), 5));
    env.simulator.setFaults(FaultSpec.builder().throttleRate(1.0).build());
    Instant switchAt = t0.plusSeconds(30);
    env.sleepUntil(switchAt);
    CustomerMeteringWorkflow successor = start(NEW, Duration.ofMinutes(1));
    env.successors.link(id(old), id(successor), NEW);
    old.agreementEnded(new AgreementEnd("agmt-old", "RENEWED", switchAt));
    env.sleepUntil(t0.plusSeconds(40));
    successor.reportUsage(usage("new", t0.plusSeconds(40), 2));
    env.sleepUntil(t0.plus(Duration.ofMinutes(8))); // the old license's last window has closed
    env.simulator.setFaults(FaultSpec.none());
    env.sleepUntil(t0.plus(Duration.ofMinutes(16)));

    long oldBilled =
        env.simulator.ledger(PRODUCT, ACCOUNT, OLD).stream().mapToLong(LedgerEntry::quantity).sum();
    long newBilled =
        env.simulator.ledger(PRODUCT, ACCOUNT, NEW).stream().mapToLong(LedgerEntry::quantity).sum();
    assertThat(oldBilled).as("nothing went through for the old license").isZero();
    assertThat(newBilled).as("the successor billed its own and the old license's").isEqualTo(7);
    assertThat(old.status().agreement().forwardedReports()).isEqualTo(1);
    assertThat(old.status().state()).isEqualTo(MeteringState.HANDED_OVER);
  }

  private static UsageReport usage(String id, Instant at, long quantity) {
    return new UsageReport(id, List.of(new UsageEntry("requests", quantity, at.toString())));
  }

  @Test
  void hostileHandOverSignalsAreIgnored() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    CustomerMeteringWorkflow workflow = start(OLD);
    CustomerMeteringWorkflow other = start(NEW);
    WorkflowStub untyped = WorkflowStub.fromTyped(workflow);
    // takeOver naming a workflow that is not the named license's, its own license, or another
    // account's license: nothing is taken over (its pulled usage would be billed twice).
    untyped.signal("takeOver", new AgreementLink("metering/prod-handover/evil", NEW, at(0, 30)));
    untyped.signal("takeOver", new AgreementLink(id(workflow), OLD, at(0, 30)));
    untyped.signal(
        "takeOver",
        new AgreementLink(
            dev.hourmeter.workflows.MeteringWorkflowIds.forCustomer(PRODUCT, "999999999999", NEW),
            NEW,
            at(0, 30)));
    untyped.signal("takeOver", new AgreementLink(id(other), NEW, null));
    untyped.signal("takeOver", (Object) null);
    // agreementEnded far in the future, with a status that hands nothing over, or unreadable.
    workflow.agreementEnded(new AgreementEnd("agmt", "RENEWED", at(30, 0)));
    workflow.agreementEnded(new AgreementEnd("agmt", "CANCELLED", at(0, 30)));
    workflow.agreementEnded(new AgreementEnd("agmt", "RENEWED", null));
    untyped.signal("agreementEnded", "not an object");
    untyped.signal("agreementEnded", 42);
    report(workflow, "r", at(0, 40), 4);
    env.sleepUntil(at(2, 10));

    MeteringStatus status = workflow.status();
    assertThat(status.agreement()).isNull();
    assertThat(status.state()).isEqualTo(MeteringState.ACTIVE);
    assertThat(env.successors.calls()).isZero();
    assertThat(quantity(env.simulator.ledger(PRODUCT, ACCOUNT, OLD), hour(0))).isEqualTo(4);
    assertThat(env.simulator.ledger(PRODUCT, ACCOUNT, OLD)).hasSize(2); // 00:00 and 01:00
  }

  @Test
  void anEndLearntLateStillWaitsForItsSuccessorAndAnUnsubscribeNamesWhatWasHeld() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    CustomerMeteringWorkflow old = start(OLD);
    report(old, "before", at(0, 30), 2);
    env.sleepUntil(at(8, 0));
    // Renewed at 00:40, learnt at 08:00 (the intake was down): periods up to 07:00 went out under
    // the old license already; the successor is still waited for, from now.
    old.agreementEnded(new AgreementEnd("agmt-old", "RENEWED", at(0, 40)));
    report(old, "after", at(8, 5), 5); // held: no successor known yet
    env.sleepUntil(at(12, 0));
    MeteringStatus waiting = old.status();
    assertThat(waiting.agreement().successorWaitUntil()) // six hours from when it was learnt
        .isBetween(at(14, 0), at(14, 0).plusSeconds(1));
    assertThat(waiting.agreement().heldReports()).isEqualTo(1);

    old.unsubscribe();
    WorkflowStub.fromTyped(old).getResult(Void.class);
    MeteringStatus ended = old.status();
    assertThat(ended.state()).isEqualTo(MeteringState.ENDED);
    assertThat(ended.agreement().unforwardedReports()).isEqualTo(1);
    assertThat(ended.stateReason())
        .contains("unsubscribed")
        .contains("1 held report(s) never billed");
    assertThat(quantity(env.simulator.ledger(PRODUCT, ACCOUNT, OLD), hour(0))).isEqualTo(2);
  }

  @Test
  void anUnlicensedCustomerIgnoresAnAgreementEnd() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource());
    CustomerMeteringWorkflow legacy =
        env.start(new TestCustomers(env, PRODUCT).subscribed("legacy-1", "requests"));
    legacy.agreementEnded(new AgreementEnd("agmt-x", "RENEWED", at(0, 30)));
    legacy.agreementEnded(new AgreementEnd("agmt-x", "CANCELLED", at(0, 30)));
    report(legacy, "r", at(0, 40), 4);
    env.sleepUntil(at(1, 10));
    assertThat(legacy.status().agreement()).isNull();
    assertThat(legacy.status().state()).isEqualTo(MeteringState.ACTIVE);
    assertThat(env.simulator.ledger(PRODUCT, "legacy-1"))
        .extracting(LedgerEntry::quantity)
        .containsExactly(4L);
    assertThat(new AgreementEnd("a", "cancelled", at(0, 0)).problem()).startsWith("status:");
    assertThat(new AgreementEnd("a", "superseded", at(0, 0)).problem()).isNull();
  }

  private CustomerMeteringWorkflow start(String license) {
    return start(license, Duration.ofHours(1));
  }

  private CustomerMeteringWorkflow start(String license, Duration period) {
    env.simulator.subscribe(SubscriptionSpec.ofLicense(PRODUCT, ACCOUNT, license, "requests"));
    return env.start(
        TestCustomers.sixPeriodWindow(
            MeteringSubscription.of(
                PRODUCT,
                CustomerId.licensed(ACCOUNT, license),
                List.of("requests"),
                PricingModel.SUBSCRIPTION,
                period)));
  }

  private void report(CustomerMeteringWorkflow workflow, String id, Instant at, long quantity) {
    report(workflow, id, at, quantity, Map.of());
  }

  private void report(
      CustomerMeteringWorkflow workflow,
      String id,
      Instant at,
      long quantity,
      Map<String, String> tags) {
    env.sleepUntil(at);
    workflow.reportUsage(
        new UsageReport(
            id,
            List.of(
                new UsageEntry("requests", BigDecimal.valueOf(quantity), at.toString(), tags))));
  }

  private static String id(CustomerMeteringWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId();
  }

  private static long quantity(List<LedgerEntry> ledger, Instant hour) {
    return ledger.stream()
        .filter(e -> e.timestamp().equals(hour))
        .mapToLong(LedgerEntry::quantity)
        .sum();
  }

  private static Instant hour(int h) {
    return H00.plus(Duration.ofHours(h));
  }

  private static Instant at(int h, int m) {
    return hour(h).plus(Duration.ofMinutes(m));
  }
}
