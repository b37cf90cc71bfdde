package dev.hourmeter.it;

import dev.hourmeter.simulator.CustomerId;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.MeteringTuningBuilder;
import dev.hourmeter.workflows.model.api.PricingModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The customers of one product in a {@link MeteringTestEnvironment}, with hourly periods, and the
 * clock the hourly scenarios are written in: {@code at(1, 5)} is 01:05 on the test day.
 */
final class TestCustomers {

  /** Midnight of the test day; {@link MeteringTestEnvironment#START} is 00:20. */
  static final Instant H00 = Instant.parse("2026-11-26T00:00:00Z");

  private final MeteringTestEnvironment env;
  private final String productCode;

  TestCustomers(MeteringTestEnvironment env, String productCode) {
    this.env = env;
    this.productCode = productCode;
  }

  /** Subscribes {@code customer} in the simulator and returns its hourly SUBSCRIPTION metering. */
  MeteringSubscription subscribed(String customer, String... dimensions) {
    env.simulator.subscribe(
        SubscriptionSpec.of(productCode, CustomerId.identifier(customer), dimensions));
    return subscription(customer, PricingModel.SUBSCRIPTION, dimensions);
  }

  /**
   * Hourly metering of {@code customer}, without touching the simulator. Its window is counted in
   * periods, six of them (AWS's rule before 2026-07), and its periods close at their end plus grace
   * (no close spread), as these tests were written for; {@code MonthEndWindowWorkflowTest} covers
   * the 24-hour default, {@code CloseSpreadEndToEndTest} the spread.
   */
  MeteringSubscription subscription(String customer, PricingModel pricing, String... dimensions) {
    return sixPeriodWindow(
        MeteringSubscription.of(
            productCode,
            dev.hourmeter.workflows.model.api.CustomerId.parse(customer),
            List.of(dimensions),
            pricing,
            Duration.ofHours(1)));
  }

  /**
   * {@code subscription} with a window of six of its periods (short enough for a test to reach) and
   * no close spread.
   */
  static MeteringSubscription sixPeriodWindow(MeteringSubscription subscription) {
    return subscription.withTuning(
        subscription.tuning().toBuilder()
            .window(subscription.period().multipliedBy(6))
            .closeSpread(Duration.ZERO)
            .build());
  }

  /**
   * Hourly defaults with a window of six periods (short enough for a test to reach) and no close
   * spread.
   */
  static MeteringTuningBuilder sixPeriodTuning() {
    return MeteringTuning.builder(Duration.ofHours(1))
        .window(Duration.ofHours(6))
        .closeSpread(Duration.ZERO);
  }

  String workflowId(String customer) {
    return MeteringWorkflowIds.forCustomer(
        productCode, dev.hourmeter.workflows.model.api.CustomerId.parse(customer));
  }

  static String workflowId(MeteringSubscription subscription) {
    return MeteringWorkflowIds.forCustomer(subscription.productCode(), subscription.customer());
  }

  /** The start of hour {@code hours} of the test day. */
  static Instant hour(int hours) {
    return H00.plus(Duration.ofHours(hours));
  }

  /** {@code hours}:{@code minutes} on the test day. */
  static Instant at(int hours, int minutes) {
    return H00.plus(Duration.ofHours(hours)).plus(Duration.ofMinutes(minutes));
  }
}
