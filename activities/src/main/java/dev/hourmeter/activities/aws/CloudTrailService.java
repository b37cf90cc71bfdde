package dev.hourmeter.activities.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/** AWS CloudTrail: LookupEvents, through the shared {@link AwsCall}. Thread-safe. */
public final class CloudTrailService {

  public static final String LOOKUP_EVENTS = "LookupEvents";

  /** LookupEvents MaxResults upper bound. */
  public static final int MAX_PAGE_SIZE = 50;

  private final CloudTrailClient client;
  private final AwsCall aws;
  private volatile int maxPages = 1_000;
  private volatile Duration pageInterval = Duration.ofMillis(500);

  CloudTrailService(CloudTrailClient client, AwsCall aws) {
    this.client = Objects.requireNonNull(client, "client");
    this.aws = Objects.requireNonNull(aws, "aws");
  }

  /**
   * CloudTrail LookupEvents for {@code eventName} (e.g. {@code BatchMeterUsage}) in {@code [start,
   * end]}, all pages, with the same parameters on every page and at least half a second between
   * pages (LookupEvents allows 2 requests per second).
   *
   * @throws MarketplaceCallException when a call fails, or ({@code PagingLimitExceeded}) when
   *     paging does not end within the page cap or AWS repeats a token
   */
  public List<TrailEvent> lookupEvents(String eventName, Instant start, Instant end) {
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    int cap = maxPages;
    List<TrailEvent> events = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      if (pages >= cap) {
        throw AwsErrorClassifier.pagingLimitExceeded(
            LOOKUP_EVENTS,
            cap,
            "LookupEvents still returned a NextToken after " + pages + " pages");
      }
      if (pages > 0) {
        pause(pageInterval);
      }
      TrailPage page = lookupEventsPage(eventName, start, end, MAX_PAGE_SIZE, token);
      pages++;
      events.addAll(page.events());
      String next = page.nextToken();
      if (next != null && next.equals(token)) {
        throw AwsErrorClassifier.pagingLimitExceeded(
            LOOKUP_EVENTS, cap, "LookupEvents returned the NextToken it was given");
      }
      token = next;
    } while (token != null);
    return List.copyOf(events);
  }

  /**
   * ONE CloudTrail LookupEvents call (one page) for {@code eventName} from {@code start}, with an
   * optional {@code end} (null: no EndTime, so the service's own "now" bounds the range and the
   * caller's clock does not matter). Pass the previous page's {@link TrailPage#nextToken()} with
   * the same other parameters to get the next page. No pacing here: the caller rate-limits (see the
   * verification index).
   *
   * @throws MarketplaceCallException when the call fails (throttling is {@code RETRYABLE} and
   *     {@code throttled()})
   */
  public TrailPage lookupEventsPage(
      String eventName, Instant start, Instant end, int maxResults, String nextToken) {
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(start, "start");
    if (maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("LookupEvents MaxResults must be 1.." + MAX_PAGE_SIZE);
    }
    LookupAttribute attribute =
        LookupAttribute.builder()
            .attributeKey(LookupAttributeKey.EVENT_NAME)
            .attributeValue(eventName)
            .build();
    LookupEventsRequest request =
        LookupEventsRequest.builder()
            .lookupAttributes(attribute)
            .startTime(start)
            .endTime(end)
            .maxResults(maxResults)
            .nextToken(nextToken)
            .build();
    LookupEventsResponse response = aws.call(LOOKUP_EVENTS, () -> client.lookupEvents(request));
    List<TrailEvent> events = new ArrayList<>();
    if (response.hasEvents()) {
      for (Event e : response.events()) {
        events.add(
            new TrailEvent(
                e.eventId(), e.eventName(), e.eventSource(), e.eventTime(), e.cloudTrailEvent()));
      }
    }
    String next = response.nextToken();
    return new TrailPage(events, next == null || next.isEmpty() ? null : next);
  }

  private static void pause(Duration duration) {
    if (duration.isZero() || duration.isNegative()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pacing CloudTrail LookupEvents", e);
    }
  }

  // Package-private knobs for tests.

  CloudTrailService maxPages(int pages) {
    if (pages < 1) {
      throw new IllegalArgumentException("max pages must be positive");
    }
    this.maxPages = pages;
    return this;
  }

  CloudTrailService pageInterval(Duration interval) {
    this.pageInterval = Objects.requireNonNull(interval);
    return this;
  }
}
