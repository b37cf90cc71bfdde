package dev.hourmeter.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.simulator.CustomerId;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.worker.HistoryActions;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a customer costs in Temporal actions, counted from its real history: timer starts, activity
 * starts and retries, signals, updates, search-attribute upserts, continue-as-new, and local
 * activities once per workflow task that ran any. Steady state without pushed usage must stay at or
 * below 3 actions per customer-period.
 */
class ActionsPerPeriodTest {

  private static final Logger log = LoggerFactory.getLogger(ActionsPerPeriodTest.class);
  private static final String PRODUCT = "prod-actions";
  private static final Instant H00 = Instant.parse("2026-11-26T00:00:00Z");

  private final MeteringTestEnvironment env =
      new MeteringTestEnvironment(new InMemoryUsageSource());

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void steadyStateCostsAtMostThreeActionsPerCustomerHour() {
    env.simulator.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.identifier("cust-1"), "requests", "storage"));
    MeteringSubscription subscription =
        MeteringSubscription.of(
            PRODUCT,
            dev.hourmeter.workflows.model.api.CustomerId.parse("cust-1"),
            List.of("requests", "storage"),
            PricingModel.SUBSCRIPTION,
            Duration.ofHours(1));
    CustomerMeteringWorkflow workflow = env.start(subscription);
    // The default tuning: each period closes at the grace plus the customer's offset in the PT20M
    // close spread, so half an hour past an hour is past its close.
    Duration pastClose = Duration.ofMinutes(30);
    env.sleepUntil(
        H00.plus(Duration.ofHours(2)).plus(pastClose)); // past the first close: steady state here
    long before = HistoryActions.count(history(subscription));

    int periods = 24;
    env.sleepUntil(H00.plus(Duration.ofHours(2 + periods)).plus(pastClose));
    List<HistoryEvent> history = history(subscription);
    double perPeriod = (HistoryActions.count(history) - before) / (double) periods;

    log.info(
        "actions per customer-period: {} (history events: {} over {} periods)",
        String.format("%.2f", perPeriod),
        history.size(),
        periods + 2);
    assertThat(perPeriod).isLessThanOrEqualTo(3.0);
    // ...and every period was still metered, checked for entitlement and verified in CloudTrail.
    assertThat(env.ledger(PRODUCT, "cust-1")).hasSize((periods + 2) * 2);
    assertThat(workflow.status().recentRecords())
        .filteredOn(r -> r.receipt() == ReceiptStatus.VERIFIED)
        .extracting(SubmittedRecord::periodStart)
        .isNotEmpty();
    assertThat(workflow.status().counters().recordsVerified()).isGreaterThanOrEqualTo(periods * 2L);
  }

  private List<HistoryEvent> history(MeteringSubscription subscription) {
    return env.client
        .fetchHistory(MeteringWorkflowIds.forCustomer(PRODUCT, subscription.customer()))
        .getEvents();
  }
}
