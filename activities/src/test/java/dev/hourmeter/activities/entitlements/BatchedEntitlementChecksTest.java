package dev.hourmeter.activities.entitlements;

import static dev.hourmeter.activities.testing.SimulatorFixture.NOW;
import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.simCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.EntitlementActivitiesImpl;
import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.EntitlementSpec;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.model.activity.EntitlementRequest;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many customers checking at once (a close) through the {@link EntitlementBatcher} and the real AWS
 * SDK against the simulator: each gets the snapshot a check of its own gets, in far fewer
 * GetEntitlements calls.
 */
class BatchedEntitlementChecksTest {

  private static final int CUSTOMERS = 300;

  private final SimulatorFixture fx = new SimulatorFixture();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @AfterEach
  void stop() {
    fx.close();
  }

  /**
   * Accounts with their own seat counts (every tenth also with an expired and a string
   * entitlement), every seventh unsubscribed, every eleventh unknown; legacy identifiers too.
   */
  private List<CustomerId> subscribeMix() {
    List<CustomerId> customers = new ArrayList<>();
    for (int i = 1; i <= CUSTOMERS; i++) {
      CustomerId customer = i % 3 == 0 ? CustomerId.legacy("cust-" + i) : account(i);
      customers.add(customer);
      if (i % 11 == 0) {
        continue; // never subscribed
      }
      List<EntitlementSpec> entitlements = new ArrayList<>();
      entitlements.add(EntitlementSpec.ofInteger("seats", i, null));
      if (i % 10 == 0) {
        entitlements.add(EntitlementSpec.ofInteger("storage", 5, NOW.minus(Duration.ofDays(1))));
        entitlements.add(EntitlementSpec.ofString("tier", "gold", null));
      }
      fx.sim.subscribe(
          SubscriptionSpec.of(PRODUCT, simCustomer(customer))
              .withEntitlements(entitlements)
              .withSubscribed(i % 7 != 0));
    }
    return customers;
  }

  private static EntitlementRequest request(CustomerId customer) {
    return new EntitlementRequest(PRODUCT, customer, List.of("seats", "storage"));
  }

  private Map<CustomerId, EntitlementSnapshot> checkAllAtOnce(
      EntitlementActivitiesImpl activities, List<CustomerId> customers) throws Exception {
    Map<CustomerId, Future<EntitlementSnapshot>> futures = new LinkedHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (CustomerId c : customers) {
        futures.put(c, pool.submit(() -> activities.checkEntitlements(request(c))));
      }
    }
    Map<CustomerId, EntitlementSnapshot> snapshots = new LinkedHashMap<>();
    for (Map.Entry<CustomerId, Future<EntitlementSnapshot>> e : futures.entrySet()) {
      snapshots.put(e.getKey(), e.getValue().get());
    }
    return snapshots;
  }

  @Test
  void eachCustomerGetsTheSnapshotOfItsOwnCheckInFarFewerCalls() throws Exception {
    List<CustomerId> customers = subscribeMix();
    EntitlementActivitiesImpl alone =
        new EntitlementActivitiesImpl(fx.gateway.entitlements(), clock);
    Map<CustomerId, EntitlementSnapshot> expected = new LinkedHashMap<>();
    for (CustomerId c : customers) {
      expected.put(c, alone.checkEntitlements(request(c)));
    }
    long callsAlone = fx.requests("GetEntitlements");
    assertThat(callsAlone).isEqualTo(CUSTOMERS);
    assertThat(expected.values())
        .filteredOn(EntitlementSnapshot::entitled)
        .hasSizeBetween(200, 260);

    EntitlementActivitiesImpl batched =
        new EntitlementActivitiesImpl(new EntitlementBatcher(fx.gateway.entitlements()), clock);
    Map<CustomerId, EntitlementSnapshot> snapshots = checkAllAtOnce(batched, customers);

    assertThat(snapshots).isEqualTo(expected);
    long calls = fx.requests("GetEntitlements") - callsAlone;
    // 300 checks, two kinds of id, up to 25 customers a call; the first few go out alone while
    // the rest arrive.
    assertThat(calls).isLessThan(CUSTOMERS / 5);
  }

  @Test
  void sharedCallsPageThroughEmptyPagesThatStillCarryANextToken() throws Exception {
    List<CustomerId> customers = subscribeMix();
    fx.sim.setFaults(FaultSpec.builder().emptyEntitlementPagesNext(20).build());
    EntitlementActivitiesImpl batched =
        new EntitlementActivitiesImpl(new EntitlementBatcher(fx.gateway.entitlements()), clock);

    Map<CustomerId, EntitlementSnapshot> snapshots = checkAllAtOnce(batched, customers);

    fx.sim.setFaults(FaultSpec.none());
    EntitlementActivitiesImpl alone =
        new EntitlementActivitiesImpl(fx.gateway.entitlements(), clock);
    for (CustomerId c : customers) {
      assertThat(snapshots.get(c)).as("%s", c).isEqualTo(alone.checkEntitlements(request(c)));
    }
  }
}
