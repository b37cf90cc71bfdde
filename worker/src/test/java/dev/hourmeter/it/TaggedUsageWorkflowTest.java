package dev.hourmeter.it;

import static dev.hourmeter.it.MeteringTestEnvironment.START;
import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static dev.hourmeter.it.TestCustomers.workflowId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hourmeter.simulator.CustomerId;
import dev.hourmeter.simulator.EntitlementSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.UsageMessages;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import io.temporal.client.WorkflowUpdateException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tagged usage end to end (issue 12): entries with tags become records whose UsageAllocations add
 * up to the quantity, one per tag set, in the simulator's ledger (what AWS bills). Real workflow,
 * real activities, simulator over HTTP, time skipping.
 */
class TaggedUsageWorkflowTest {

  private static final String PRODUCT = "prod-tags";
  private static final Map<String, String> TEAM_A = Map.of("team", "a");
  private static final Map<String, String> TEAM_B_PROD = Map.of("team", "b", "env", "prod");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MeteringTestEnvironment env =
      new MeteringTestEnvironment(new InMemoryUsageSource());
  private final TestCustomers customers = new TestCustomers(env, PRODUCT);

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void taggedAndUntaggedUsageOverSeveralPeriodsAndDimensionsIsSplitIntoAllocations() {
    MeteringSubscription subscription = customers.subscribed("cust-tags", "requests", "storage");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    // Hour 0: requests 4 (team=a) + 6 (team=b,env=prod) + 5 untagged; storage 2 (team=a).
    workflow.reportUsage(
        new UsageReport(
            "r-1",
            List.of(
                tagged("requests", 4, TEAM_A),
                tagged("requests", 6, TEAM_B_PROD),
                UsageEntry.now("requests", 5),
                tagged("storage", 2, TEAM_A))));
    // The same tag set again, by signal as raw JSON: summed into one allocation.
    ObjectNode entry =
        JSON.createObjectNode().put("dimension", "requests").put("quantity", new BigDecimal("1.5"));
    entry.putObject("tags").put("team", "a");
    ObjectNode report = JSON.createObjectNode().put("id", "r-2");
    report.putArray("usage").add(entry);
    env.client
        .newUntypedWorkflowStub(workflowId(subscription))
        .signal(UsageMessages.RECORD_USAGE, report);
    env.sleepUntil(at(1, 30));
    // Hour 1: only team=b on storage; hour 2: untagged only (plain records, as before).
    workflow.reportUsage(new UsageReport("r-3", List.of(tagged("storage", 7, TEAM_B_PROD))));
    env.sleepUntil(at(2, 30));
    workflow.reportUsage(new UsageReport("r-4", List.of(UsageEntry.now("requests", 3))));

    env.sleepUntil(at(3, 10));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-tags");
    assertThat(ledger).hasSize(6);
    ledger.stream()
        .filter(e -> !e.allocations().isEmpty())
        .forEach(
            e ->
                assertThat(sum(e.allocations()))
                    .as("allocations of %s %s", e.dimension(), e.timestamp())
                    .isEqualByComparingTo(e.quantityAsDecimal()));
    assertThat(entry(ledger, "requests", hour(0)).quantityAsDecimal()).isEqualByComparingTo("16.5");
    assertThat(entry(ledger, "requests", hour(0)).allocations())
        .containsExactly(
            allocation("5", Map.of()),
            allocation("6", TEAM_B_PROD), // tag sets in tag order: env=prod,team=b < team=a
            allocation("5.5", TEAM_A));
    assertThat(entry(ledger, "storage", hour(0)).allocations())
        .containsExactly(allocation("2", TEAM_A));
    assertThat(entry(ledger, "requests", hour(1)).allocations()).isEmpty();
    assertThat(entry(ledger, "storage", hour(1)).allocations())
        .containsExactly(allocation("7", TEAM_B_PROD));
    assertThat(entry(ledger, "requests", hour(2)).allocations()).isEmpty();
    assertThat(entry(ledger, "requests", hour(2)).quantity()).isEqualTo(3);

    MeteringStatus status = workflow.status();
    assertThat(status.rejectedReports()).isEmpty();
    SubmittedRecord requests0 =
        status.recentRecords().stream()
            .filter(r -> r.dimension().equals("requests") && r.periodStart().equals(hour(0)))
            .findFirst()
            .orElseThrow();
    assertThat(requests0.allocationCount()).isEqualTo(3);
    assertThat(requests0.allocations())
        .extracting(UsageAllocation::tags)
        .containsExactly(Map.of(), TEAM_B_PROD, TEAM_A);
  }

  @Test
  void threeThousandTagSetsInOnePeriodFoldTheSmallestIntoTheUntaggedAllocation() {
    MeteringSubscription subscription = customers.subscribed("cust-many", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    long total = 0;
    for (int report = 0; report < 3; report++) {
      List<UsageEntry> entries = new ArrayList<>();
      for (int i = report * 1000; i < (report + 1) * 1000; i++) {
        entries.add(tagged("requests", i + 1, Map.of("set", String.format("s%04d", i))));
        total += i + 1;
      }
      workflow.reportUsage(new UsageReport("many-" + report, entries));
    }

    env.sleepUntil(at(1, 10));

    LedgerEntry billed = entry(env.ledger(PRODUCT, "cust-many"), "requests", hour(0));
    assertThat(billed.quantity()).isEqualTo(total);
    assertThat(billed.allocations()).hasSize(2500);
    assertThat(sum(billed.allocations())).isEqualByComparingTo(BigDecimal.valueOf(total));
    // Never dropped: the 501 smallest sets (quantities 1..501) are billed untagged.
    assertThat(billed.allocations().get(0))
        .isEqualTo(allocation(String.valueOf(501 * 502 / 2), Map.of()));
    assertThat(billed.allocations().get(1).tags()).isEqualTo(Map.of("set", "s0501"));
    SubmittedRecord shown = workflow.status().recentRecords().get(0);
    assertThat(shown.allocationCount()).isEqualTo(2500);
    assertThat(shown.allocations()).hasSize(SubmittedRecord.ALLOCATIONS_SHOWN);
    assertThat(shown.foldedTagSets()).as("shown in status").isEqualTo(501);
  }

  @Test
  void lateTaggedUsageIsCarriedWithItsTags() {
    MeteringSubscription subscription = customers.subscribed("cust-late", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(1, 20)); // hour 0 is sealed and sent
    workflow.reportUsage(
        new UsageReport(
            "late",
            List.of(
                new UsageEntry("requests", BigDecimal.valueOf(4), at(0, 45).toString(), TEAM_A))));

    env.sleepUntil(at(2, 10));

    List<LedgerEntry> ledger = env.ledger(PRODUCT, "cust-late");
    assertThat(entry(ledger, "requests", hour(0)).quantity()).isZero();
    assertThat(entry(ledger, "requests", hour(1)).allocations())
        .containsExactly(allocation("4", TEAM_A));
    CarriedUsage carried = workflow.status().carried().get(0);
    assertThat(carried.reason()).isEqualTo(CarriedUsage.LATE);
    assertThat(carried.allocations())
        .containsExactly(new UsageAllocation(BigDecimal.valueOf(4), TEAM_A));
  }

  @Test
  void aContractsBilledExcessFallsOnTheLastTagSetsInTagOrder() {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-contract"), "requests")
            .withEntitlements(
                List.of(
                    EntitlementSpec.ofInteger("requests", 100, START.plus(Duration.ofDays(30))))));
    CustomerMeteringWorkflow workflow =
        env.start(customers.subscription("cust-contract", PricingModel.CONTRACT, "requests"));
    env.sleepUntil(at(0, 30));
    // 130 used, 100 included, used up in tag order: the untagged 20, env=prod,team=b's 60, then 20
    // of team=a's 50; the billed 30 is team=a's.
    workflow.reportUsage(
        new UsageReport(
            "c-1",
            List.of(
                UsageEntry.now("requests", 20),
                tagged("requests", 50, TEAM_A),
                tagged("requests", 60, TEAM_B_PROD))));

    env.sleepUntil(at(1, 10));

    LedgerEntry billed = entry(env.ledger(PRODUCT, "cust-contract"), "requests", hour(0));
    assertThat(billed.quantity()).isEqualTo(30);
    assertThat(billed.allocations()).containsExactly(allocation("30", TEAM_A));
  }

  @Test
  void badTagsAreRefusedNamingTheTagAndABadSignalIsKeptAsRejected() {
    MeteringSubscription subscription = customers.subscribed("cust-bad", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    assertThatThrownBy(
            () ->
                workflow.reportUsage(
                    new UsageReport("bad", List.of(tagged("requests", 1, Map.of("team", "a?b"))))))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("usage[0].tags.team: value 'a?b'");
    workflow.recordUsage(
        new UsageReport(
            "bad-signal", List.of(tagged("requests", 1, Map.of("k".repeat(101), "v")))));
    env.sleepUntil(at(1, 6));

    assertThat(workflow.status().rejectedReports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reportId()).isEqualTo("bad-signal");
              assertThat(r.reason()).contains("usage[0].tags.kkk").contains("at most 100");
            });
    assertThat(env.ledger(PRODUCT, "cust-bad"))
        .singleElement()
        .satisfies(e -> assertThat(e.quantity()).isZero());
  }

  private static UsageEntry tagged(String dimension, long quantity, Map<String, String> tags) {
    return new UsageEntry(dimension, BigDecimal.valueOf(quantity), null, tags);
  }

  private static LedgerEntry.Allocation allocation(String quantity, Map<String, String> tags) {
    return new LedgerEntry.Allocation(new BigDecimal(quantity), tags);
  }

  private static LedgerEntry entry(List<LedgerEntry> ledger, String dimension, Instant period) {
    return ledger.stream()
        .filter(e -> e.dimension().equals(dimension) && e.timestamp().equals(period))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + dimension + " record for " + period));
  }

  private static BigDecimal sum(List<LedgerEntry.Allocation> allocations) {
    return allocations.stream()
        .map(LedgerEntry.Allocation::quantity)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }
}
