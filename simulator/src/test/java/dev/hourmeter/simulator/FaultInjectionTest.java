package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.InternalServiceErrorException;
import software.amazon.awssdk.services.marketplacemetering.model.ThrottlingException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;

class FaultInjectionTest extends SimulatorTestBase {

  @Test
  void throttleNextThrottlesExactlyTheNextRequests() {
    subscribeAccount(ACCOUNT, "requests");
    sim.setFaults(FaultSpec.builder().throttleNext(2).build());

    assertThatThrownBy(() -> meter(accountRecord(ACCOUNT, "requests", HOUR, 1)))
        .isInstanceOf(ThrottlingException.class)
        .satisfies(e -> assertThat(((ThrottlingException) e).statusCode()).isEqualTo(400));
    assertThat(sim.faults().throttleNext()).isEqualTo(1);
    assertThatThrownBy(() -> meter(accountRecord(ACCOUNT, "requests", HOUR, 1)))
        .isInstanceOf(ThrottlingException.class);
    assertThat(meter(accountRecord(ACCOUNT, "requests", HOUR, 1)).results()).hasSize(1);

    assertThat(sim.ledger()).hasSize(1);
    assertThat(sim.requestLog())
        .extracting(RequestLogEntry::errorType)
        .containsExactly("ThrottlingException", "ThrottlingException", null);
  }

  @Test
  void serverErrorNextIsAnHttp500InternalServiceError() {
    subscribeAccount(ACCOUNT, "requests");
    sim.setFaults(FaultSpec.builder().serverErrorNext(1).build());

    assertThatThrownBy(() -> meter(accountRecord(ACCOUNT, "requests", HOUR, 1)))
        .isInstanceOf(InternalServiceErrorException.class)
        .satisfies(
            e -> assertThat(((InternalServiceErrorException) e).statusCode()).isEqualTo(500));
    assertThat(sim.ledger()).isEmpty();
    assertThat(sim.requestLog())
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(500));
  }

  @Test
  void unprocessedRecordsAreReturnedAndNotBilled() {
    subscribeAccount(ACCOUNT, "requests");
    subscribeAccount(account(1), "requests");
    sim.setFaults(FaultSpec.builder().unprocessedNext(1).build());

    BatchMeterUsageResponse response =
        meter(
            accountRecord(ACCOUNT, "requests", HOUR, 1),
            accountRecord(account(1), "requests", HOUR, 2));

    assertThat(response.unprocessedRecords())
        .singleElement()
        .satisfies(r -> assertThat(r.customerAWSAccountId()).isEqualTo(ACCOUNT));
    assertThat(response.results())
        .singleElement()
        .satisfies(r -> assertThat(r.usageRecord().customerAWSAccountId()).isEqualTo(account(1)));
    assertThat(sim.ledger())
        .singleElement()
        .satisfies(e -> assertThat(e.customer().value()).isEqualTo(account(1)));

    BatchMeterUsageResponse resend = meter(accountRecord(ACCOUNT, "requests", HOUR, 1));
    assertThat(resend.unprocessedRecords()).isEmpty();
    assertThat(sim.ledger()).hasSize(2);
  }

  @Test
  void faultsApplyToGetEntitlementsOnlyWhenListed() {
    subscribeAccount(ACCOUNT, "requests");
    sim.setFaults(FaultSpec.builder().throttleRate(1.0).build());
    assertThat(entitlement.getEntitlements(b -> b.productCode(PRODUCT)).entitlements()).hasSize(1);
    assertThatThrownBy(() -> meter(accountRecord(ACCOUNT, "requests", HOUR, 1)))
        .isInstanceOf(ThrottlingException.class);

    sim.setFaults(
        FaultSpec.builder()
            .throttleNext(1)
            .serverErrorNext(1)
            .operations(ApiOperation.GET_ENTITLEMENTS)
            .build());
    assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode(PRODUCT)))
        .isInstanceOf(
            software.amazon.awssdk.services.marketplaceentitlement.model.ThrottlingException.class);
    assertThatThrownBy(() -> entitlement.getEntitlements(b -> b.productCode(PRODUCT)))
        .isInstanceOf(
            software.amazon.awssdk.services.marketplaceentitlement.model
                .InternalServiceErrorException.class);
    assertThat(meter(accountRecord(ACCOUNT, "requests", HOUR, 1)).results()).hasSize(1);
  }

  @Test
  void seededRatesAreReproducible() {
    subscribeAccount(ACCOUNT, "requests");
    List<Boolean> first = throttlePattern(42L);
    List<Boolean> second = throttlePattern(42L);
    assertThat(first).isEqualTo(second).contains(true, false);
  }

  private List<Boolean> throttlePattern(long seed) {
    sim.setFaults(FaultSpec.builder().throttleRate(0.5).seed(seed).build());
    List<Boolean> pattern = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      try {
        meter(accountRecord(ACCOUNT, "requests", HOUR, 1));
        pattern.add(false);
      } catch (ThrottlingException e) {
        pattern.add(true);
      }
    }
    return pattern;
  }

  @Test
  void latencyDelaysTheResponse() {
    subscribeAccount(ACCOUNT, "requests");
    sim.setFaults(FaultSpec.builder().latencyMillis(300).build());
    long start = System.nanoTime();
    meter(accountRecord(ACCOUNT, "requests", HOUR, 1));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void droppedCloudTrailEventKeepsTheBillingButNeverShowsUp() {
    subscribeAccount(ACCOUNT, "requests", "storage");
    sim.setFaults(FaultSpec.builder().dropCloudTrailEventsNext(1).build());

    String dropped =
        meter(accountRecord(ACCOUNT, "requests", HOUR, 1)).results().get(0).meteringRecordId();
    String kept =
        meter(accountRecord(ACCOUNT, "storage", HOUR, 1)).results().get(0).meteringRecordId();
    clock.advance(Duration.ofHours(1));

    assertThat(sim.ledger())
        .extracting(LedgerEntry::meteringRecordId)
        .containsExactly(dropped, kept);
    LookupEventsResponse events =
        cloudTrail.lookupEvents(
            b ->
                b.lookupAttributes(
                    LookupAttribute.builder()
                        .attributeKey(LookupAttributeKey.EVENT_NAME)
                        .attributeValue("BatchMeterUsage")
                        .build()));
    assertThat(events.events())
        .singleElement()
        .satisfies(e -> assertThat(e.cloudTrailEvent()).contains(kept).doesNotContain(dropped));
  }

  @Test
  void dropAllCloudTrailEvents() {
    subscribeAccount(ACCOUNT, "requests");
    sim.setFaults(FaultSpec.builder().dropCloudTrailEvents(true).build());
    UsageRecordResult result = meter(accountRecord(ACCOUNT, "requests", HOUR, 1)).results().get(0);
    clock.advance(Duration.ofHours(1));
    assertThat(sim.ledger())
        .extracting(LedgerEntry::meteringRecordId)
        .containsExactly(result.meteringRecordId());
    assertThat(cloudTrail.lookupEvents(b -> b.maxResults(50)).events()).isEmpty();
    assertThat(sim.cloudTrailEvents()).isEmpty();
  }

  @Test
  void clearFaultsRestoresNormalService() {
    subscribeAccount(ACCOUNT, "requests");
    sim.setFaults(FaultSpec.builder().throttleRate(1.0).build());
    sim.clearFaults();
    assertThat(meter(accountRecord(ACCOUNT, "requests", HOUR, 1)).results()).hasSize(1);
    assertThat(sim.faults()).isEqualTo(FaultSpec.none());
  }
}
