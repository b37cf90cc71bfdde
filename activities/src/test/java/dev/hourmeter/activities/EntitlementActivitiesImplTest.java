package dev.hourmeter.activities;

import static dev.hourmeter.activities.testing.SimulatorFixture.NOW;
import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.simCustomer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.ApiOperation;
import dev.hourmeter.simulator.EntitlementSpec;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.activities.EntitlementActivities;
import dev.hourmeter.workflows.model.activity.EntitlementRequest;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EntitlementActivitiesImplTest {

  private SimulatorFixture fx;
  private TestActivityEnvironment env;
  private EntitlementActivities activities;

  @BeforeEach
  void start() {
    fx = new SimulatorFixture();
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new EntitlementActivitiesImpl(fx.gateway.entitlements(), Clock.fixed(NOW, ZoneOffset.UTC)));
    activities =
        env.newActivityStub(
            EntitlementActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void stop() {
    env.close();
    fx.close();
  }

  private EntitlementSnapshot check(CustomerId customer, String... dimensions) {
    return activities.checkEntitlements(
        new EntitlementRequest(PRODUCT, customer, List.of(dimensions)));
  }

  @Test
  void aSubscribedCustomerIsEntitled() {
    fx.sim.subscribe(SubscriptionSpec.of(PRODUCT, simCustomer(account(1)), "requests", "storage"));

    EntitlementSnapshot snapshot = check(account(1), "requests", "storage");

    assertThat(snapshot.entitled()).isTrue();
    assertThat(snapshot.entitledQuantities())
        .as("boolean entitlements carry no quantity")
        .isEmpty();
    assertThat(snapshot.earliestExpiration()).isNull();
    assertThat(snapshot.checkedAt()).isEqualTo(NOW);
  }

  @Test
  void aLegacyIdentifierCustomerIsLookedUpByIdentifier() {
    fx.sim.subscribe(
        SubscriptionSpec.of(
            PRODUCT, dev.hourmeter.simulator.CustomerId.identifier("cust-abc"), "requests"));

    assertThat(check(CustomerId.legacy("cust-abc"), "requests").entitled()).isTrue();
    assertThat(check(CustomerId.legacy("cust-other"), "requests").entitled()).isFalse();
  }

  @Test
  void anUnknownOrUnsubscribedCustomerIsNotEntitled() {
    fx.sim.subscribe(SubscriptionSpec.of(PRODUCT, simCustomer(account(1)), "requests"));
    fx.sim.subscribe(
        SubscriptionSpec.of(PRODUCT, simCustomer(account(2)), "requests").withSubscribed(false));

    EntitlementSnapshot stranger = check(account(3), "requests");
    EntitlementSnapshot unsubscribed = check(account(2), "requests");

    assertThat(stranger.entitled()).isFalse();
    assertThat(stranger.reason()).contains("no entitlements for customer " + account(3).value());
    assertThat(unsubscribed.entitled()).isFalse();
    assertThat(unsubscribed.reason())
        .contains("no entitlements for customer " + account(2).value());
    assertThat(unsubscribed.checkedAt()).isEqualTo(NOW);
  }

  @Test
  void expiredEntitlementsDoNotEntitle() {
    Instant earlier = NOW.minus(Duration.ofDays(3));
    Instant latest = NOW.minus(Duration.ofHours(1));
    fx.sim.subscribe(
        SubscriptionSpec.of(PRODUCT, simCustomer(account(1)))
            .withEntitlements(
                List.of(
                    EntitlementSpec.ofInteger("seats", 10, earlier),
                    EntitlementSpec.ofInteger("storage", 10, latest),
                    EntitlementSpec.ofBoolean("requests", true, NOW))));

    EntitlementSnapshot snapshot = check(account(1), "seats", "storage", "requests");

    assertThat(snapshot.entitled()).isFalse();
    assertThat(snapshot.reason()).contains("all entitlements expired at " + NOW);
    assertThat(snapshot.entitledQuantities()).isEmpty();
  }

  @Test
  void contractQuantitiesComeFromActiveIntegerValues() {
    Instant soon = NOW.plus(Duration.ofDays(10));
    Instant later = NOW.plus(Duration.ofDays(300));
    fx.sim.subscribe(
        SubscriptionSpec.of(PRODUCT, simCustomer(account(1)))
            .withEntitlements(
                List.of(
                    EntitlementSpec.ofInteger("seats", 25, later),
                    EntitlementSpec.ofInteger("storage", 500, soon),
                    EntitlementSpec.ofInteger(
                        "gpu_hours", 7, NOW.minus(Duration.ofDays(1))), // expired: ignored
                    EntitlementSpec.ofString("tier", "gold", null), // not an integer: ignored
                    EntitlementSpec.ofInteger(
                        "not_configured", 3, null)))); // not requested: ignored

    EntitlementSnapshot snapshot = check(account(1), "seats", "storage", "gpu_hours", "tier");

    assertThat(snapshot.entitled()).isTrue();
    assertThat(snapshot.entitledQuantities())
        .containsExactlyInAnyOrderEntriesOf(Map.of("seats", 25L, "storage", 500L));
    assertThat(snapshot.entitledQuantity("gpu_hours")).isZero();
    assertThat(snapshot.earliestExpiration()).isEqualTo(soon);
  }

  @Test
  void retryableGatewayErrorsBecomeRetryableFailures() {
    fx.sim.setFaults(
        FaultSpec.builder().serverErrorNext(1).operations(ApiOperation.GET_ENTITLEMENTS).build());

    ActivityFailure failure =
        catchThrowableOfType(ActivityFailure.class, () -> check(account(1), "requests"));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo("InternalServiceErrorException");
    assertThat(cause.isNonRetryable()).isFalse();
  }

  @Test
  void nonRetryableGatewayErrorsBecomeNonRetryableFailures() {
    ActivityFailure failure =
        catchThrowableOfType(
            ActivityFailure.class,
            () ->
                activities.checkEntitlements(
                    new EntitlementRequest("", account(1), List.of("requests"))));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo("InvalidParameterException");
    assertThat(cause.isNonRetryable()).isTrue();
  }
}
