package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.InvalidLookupAttributesException;
import software.amazon.awssdk.services.cloudtrail.model.InvalidMaxResultsException;
import software.amazon.awssdk.services.cloudtrail.model.InvalidNextTokenException;
import software.amazon.awssdk.services.cloudtrail.model.InvalidTimeRangeException;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageDimensionException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;

class LookupEventsTest extends SimulatorTestBase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LookupAttribute BY_NAME =
      LookupAttribute.builder()
          .attributeKey(LookupAttributeKey.EVENT_NAME)
          .attributeValue("BatchMeterUsage")
          .build();

  private List<Event> lookup() {
    return cloudTrail.lookupEvents(b -> b.lookupAttributes(BY_NAME)).events();
  }

  @Test
  void eventsStayHiddenUntilTheDeliveryDelayHasPassed() {
    subscribeAccount(ACCOUNT, "requests");
    meter(accountRecord(ACCOUNT, "requests", HOUR, 1));

    assertThat(lookup()).isEmpty();
    clock.advance(Duration.ofMinutes(5).minusMillis(1));
    assertThat(lookup()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(lookup()).hasSize(1);
  }

  @Test
  void cloudTrailDelayIsConfigurable() {
    sim.close();
    sim =
        MarketplaceSimulator.builder()
            .clock(clock)
            .cloudTrailDelay(Duration.ofMinutes(15))
            .lookupTps(0)
            .build()
            .start();
    metering.close();
    cloudTrail.close();
    metering = meteringClient(sim);
    cloudTrail = cloudTrailClient(sim);
    subscribeAccount(ACCOUNT, "requests");
    meter(accountRecord(ACCOUNT, "requests", HOUR, 1));

    clock.advance(Duration.ofMinutes(14));
    assertThat(lookup()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(lookup()).hasSize(1);
  }

  @Test
  void pagesNewestFirstWithMaxResultsAndNextToken() {
    subscribeAccount(ACCOUNT, "requests");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(
          meter(accountRecord(ACCOUNT, "requests", HOUR.minus(Duration.ofHours(i)), i))
              .results()
              .get(0)
              .meteringRecordId());
      clock.advance(Duration.ofSeconds(10));
    }
    clock.advance(Duration.ofMinutes(10));

    LookupEventsRequest first =
        LookupEventsRequest.builder().lookupAttributes(BY_NAME).maxResults(2).build();
    List<Event> all = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    LookupEventsRequest request = first;
    while (true) {
      LookupEventsResponse page = cloudTrail.lookupEvents(request);
      all.addAll(page.events());
      sizes.add(page.events().size());
      if (page.nextToken() == null) {
        break;
      }
      request = first.toBuilder().nextToken(page.nextToken()).build();
    }

    assertThat(sizes).containsExactly(2, 2, 1);
    assertThat(all)
        .extracting(Event::eventTime)
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(all.get(0).eventTime()).isEqualTo(T0.plusSeconds(40));
    List<String> idsNewestFirst = new ArrayList<>(ids);
    java.util.Collections.reverse(idsNewestFirst);
    assertThat(all).extracting(e -> meteringRecordId(e)).containsExactlyElementsOf(idsNewestFirst);
  }

  @Test
  void nextTokenMustBeUsedWithTheSameParameters() {
    subscribeAccount(ACCOUNT, "requests", "storage");
    meter(accountRecord(ACCOUNT, "requests", HOUR, 1));
    meter(accountRecord(ACCOUNT, "storage", HOUR, 1));
    clock.advance(Duration.ofMinutes(10));
    String token =
        cloudTrail.lookupEvents(b -> b.lookupAttributes(BY_NAME).maxResults(1)).nextToken();
    assertThat(token).isNotNull();

    assertThatThrownBy(
            () ->
                cloudTrail.lookupEvents(
                    b ->
                        b.maxResults(1)
                            .nextToken(token)
                            .lookupAttributes(
                                LookupAttribute.builder()
                                    .attributeKey(LookupAttributeKey.EVENT_SOURCE)
                                    .attributeValue("metering-marketplace.amazonaws.com")
                                    .build())))
        .isInstanceOf(InvalidNextTokenException.class);
    assertThatThrownBy(
            () -> cloudTrail.lookupEvents(b -> b.lookupAttributes(BY_NAME).nextToken("nonsense")))
        .isInstanceOf(InvalidNextTokenException.class);
    assertThat(
            cloudTrail
                .lookupEvents(b -> b.lookupAttributes(BY_NAME).maxResults(1).nextToken(token))
                .events())
        .hasSize(1);
  }

  @Test
  void onlyOneLookupAttributeIsAllowed() {
    LookupAttribute bySource =
        LookupAttribute.builder()
            .attributeKey(LookupAttributeKey.EVENT_SOURCE)
            .attributeValue("metering-marketplace.amazonaws.com")
            .build();
    assertThatThrownBy(() -> cloudTrail.lookupEvents(b -> b.lookupAttributes(BY_NAME, bySource)))
        .isInstanceOf(InvalidLookupAttributesException.class);
    assertThat(cloudTrail.lookupEvents(b -> b.lookupAttributes(bySource)).events()).isEmpty();
  }

  @Test
  void maxResultsAboveFiftyIsRejected() {
    assertThatThrownBy(() -> cloudTrail.lookupEvents(b -> b.maxResults(51)))
        .isInstanceOf(InvalidMaxResultsException.class);
    assertThatThrownBy(() -> cloudTrail.lookupEvents(b -> b.maxResults(0)))
        .isInstanceOf(InvalidMaxResultsException.class);
    assertThat(cloudTrail.lookupEvents(b -> b.maxResults(50)).events()).isEmpty();
  }

  @Test
  void timeRangeAndEventIdFilters() {
    subscribeAccount(ACCOUNT, "requests", "storage");
    meter(accountRecord(ACCOUNT, "requests", HOUR, 1));
    clock.advance(Duration.ofMinutes(1));
    meter(accountRecord(ACCOUNT, "storage", HOUR, 1));
    clock.advance(Duration.ofMinutes(10));

    List<Event> late =
        cloudTrail
            .lookupEvents(b -> b.startTime(T0.plusSeconds(30)).endTime(T0.plusSeconds(90)))
            .events();
    assertThat(late)
        .singleElement()
        .satisfies(e -> assertThat(e.eventTime()).isEqualTo(T0.plusSeconds(60)));

    String eventId = lookup().get(1).eventId();
    List<Event> byId =
        cloudTrail
            .lookupEvents(
                b ->
                    b.lookupAttributes(
                        LookupAttribute.builder()
                            .attributeKey(LookupAttributeKey.EVENT_ID)
                            .attributeValue(eventId)
                            .build()))
            .events();
    assertThat(byId).singleElement().satisfies(e -> assertThat(e.eventTime()).isEqualTo(T0));

    assertThatThrownBy(
            () -> cloudTrail.lookupEvents(b -> b.startTime(T0.plusSeconds(90)).endTime(T0)))
        .isInstanceOf(InvalidTimeRangeException.class);
  }

  @Test
  void onlyAcceptedCallsAreRecorded() {
    subscribeAccount(ACCOUNT, "requests");
    assertThatThrownBy(() -> meter(accountRecord(ACCOUNT, "bogus", HOUR, 1)))
        .isInstanceOf(InvalidUsageDimensionException.class);
    UsageRecordResult notSubscribed =
        meter(accountRecord(account(9), "requests", HOUR, 1)).results().get(0);
    clock.advance(Duration.ofMinutes(10));

    assertThat(lookup())
        .singleElement()
        .satisfies(
            e -> {
              JsonNode event = JSON.readTree(e.cloudTrailEvent());
              JsonNode result = event.at("/responseElements/results/0");
              assertThat(result.path("status").asText()).isEqualTo(notSubscribed.statusAsString());
              assertThat(result.has("meteringRecordId")).isFalse();
            });
  }

  @Test
  void eventHasTheDocumentedCloudTrailShape() throws Exception {
    subscribeAccount(ACCOUNT, "requests");
    sim.subscribe(SubscriptionSpec.of(PRODUCT, CustomerId.identifier("legacy-1"), "requests"));
    Instant usageTime = Instant.parse("2026-11-26T09:00:00Z");
    List<UsageRecordResult> results =
        meter(
                accountRecord(ACCOUNT, "requests", usageTime, 42),
                identifierRecord("legacy-1", "requests", usageTime, 7))
            .results();
    clock.advance(Duration.ofMinutes(5));

    Event item = lookup().get(0);
    assertThat(item.eventName()).isEqualTo("BatchMeterUsage");
    assertThat(item.eventSource()).isEqualTo("metering-marketplace.amazonaws.com");
    assertThat(item.readOnly()).isEqualTo("false");
    assertThat(item.accessKeyId()).isEqualTo(ACCESS_KEY);
    assertThat(item.username()).isNotBlank();
    assertThat(item.eventTime()).isEqualTo(T0);
    assertThat(item.resources()).isEmpty();

    JsonNode event = JSON.readTree(item.cloudTrailEvent());
    assertThat(event.path("eventVersion").asText()).isNotBlank();
    assertThat(event.path("eventTime").asText()).isEqualTo("2026-11-26T10:30:00Z");
    assertThat(event.path("eventSource").asText()).isEqualTo("metering-marketplace.amazonaws.com");
    assertThat(event.path("eventName").asText()).isEqualTo("BatchMeterUsage");
    assertThat(event.path("awsRegion").asText()).isEqualTo("us-east-1");
    assertThat(event.path("sourceIPAddress").asText()).isEqualTo("127.0.0.1");
    assertThat(event.path("userAgent").asText()).contains("aws-sdk-java");
    assertThat(event.path("eventID").asText()).isEqualTo(item.eventId());
    assertThat(event.path("requestID").asText()).isNotBlank();
    assertThat(event.path("readOnly").isBoolean()).isTrue();
    assertThat(event.path("readOnly").booleanValue()).isFalse();
    assertThat(event.path("eventType").asText()).isEqualTo("AwsApiCall");
    assertThat(event.path("recipientAccountId").asText())
        .isEqualTo(SimulatorConfig.DEFAULT_ACCOUNT_ID);

    JsonNode params = event.path("requestParameters");
    assertThat(params.path("productCode").asText()).isEqualTo(PRODUCT);
    JsonNode usage = params.path("usageRecords").get(0);
    assertThat(usage.path("dimension").asText()).isEqualTo("requests");
    assertThat(usage.path("customerAWSAccountId").asText()).isEqualTo(ACCOUNT);
    assertThat(usage.path("quantity").asInt()).isEqualTo(42);
    assertThat(usage.path("timestamp").asText()).isEqualTo("Nov 26, 2026 9:00:00 AM");
    Instant parsed =
        LocalDateTime.parse(
                usage.path("timestamp").asText(),
                DateTimeFormatter.ofPattern("MMM d, yyyy h:mm:ss a", Locale.US))
            .toInstant(ZoneOffset.UTC);
    assertThat(parsed).isEqualTo(usageTime);
    assertThat(params.path("usageRecords").get(1).path("customerIdentifier").asText())
        .isEqualTo("legacy-1");

    JsonNode response = event.path("responseElements");
    assertThat(response.path("unprocessedRecords").isArray()).isTrue();
    JsonNode result = response.path("results").get(0);
    assertThat(result.path("meteringRecordId").asText())
        .isEqualTo(results.get(0).meteringRecordId());
    assertThat(result.path("status").asText()).isEqualTo("Success");
    assertThat(result.path("usageRecord").path("customerAWSAccountId").asText()).isEqualTo(ACCOUNT);
    assertThat(result.path("usageRecord").path("timestamp").asText())
        .isEqualTo("Nov 26, 2026 9:00:00 AM");
    assertThat(response.path("results").get(1).path("meteringRecordId").asText())
        .isEqualTo(results.get(1).meteringRecordId());
  }

  private static String meteringRecordId(Event e) {
    try {
      return JSON.readTree(e.cloudTrailEvent())
          .at("/responseElements/results/0/meteringRecordId")
          .asText();
    } catch (Exception ex) {
      throw new AssertionError(ex);
    }
  }
}
