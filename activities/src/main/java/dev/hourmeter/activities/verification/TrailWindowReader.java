package dev.hourmeter.activities.verification;

import dev.hourmeter.activities.aws.BackoffPolicy;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.aws.TrailPage;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every LookupEvents page of a window (from a start time to AWS's "now") for {@link
 * CloudTrailReceiptIndex}: each call first passes the worker's {@link LookupRateLimiter}; a
 * throttled page is asked again with the same NextToken after a {@link BackoffPolicy} wait, up to
 * {@code maxThrottleRetries} times, then the read fails with a retryable {@code
 * CloudTrailThrottled}; any other AWS failure becomes the classified activity failure. Paging that
 * does not end (a page cap, or AWS repeating a token) fails with {@code PagingLimitExceeded}.
 */
final class TrailWindowReader {

  private static final Logger log = LoggerFactory.getLogger(TrailWindowReader.class);
  private static final int MAX_PAGES_PER_READ = 10_000;

  private final CloudTrailReceiptIndex.PageSource source;
  private final LookupRateLimiter limiter;
  private final int pageSize;
  private final int maxThrottleRetries;
  private final BackoffPolicy throttleBackoff;
  private final AtomicLong lookupCalls = new AtomicLong();
  private final AtomicLong throttledCalls = new AtomicLong();

  TrailWindowReader(
      CloudTrailReceiptIndex.PageSource source,
      LookupRateLimiter limiter,
      int pageSize,
      int maxThrottleRetries,
      BackoffPolicy throttleBackoff) {
    this.source = Objects.requireNonNull(source, "source");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.pageSize = pageSize;
    this.maxThrottleRetries = maxThrottleRetries;
    this.throttleBackoff = Objects.requireNonNull(throttleBackoff, "throttleBackoff");
  }

  /** Hands every page from {@code start} on to {@code onPage}, in order. */
  void read(Instant start, Consumer<TrailPage> onPage) {
    String token = null;
    int pages = 0;
    do {
      if (pages >= MAX_PAGES_PER_READ) {
        throw ApplicationFailure.newFailure(
            "LookupEvents still returned a NextToken after " + pages + " pages",
            "PagingLimitExceeded");
      }
      TrailPage page = fetch(start, token);
      pages++;
      onPage.accept(page);
      String next = page.nextToken();
      if (next != null && next.equals(token)) {
        throw ApplicationFailure.newFailure(
            "LookupEvents returned the NextToken it was given", "PagingLimitExceeded");
      }
      token = next;
    } while (token != null);
  }

  /** LookupEvents calls made (including throttled ones). */
  long lookupCalls() {
    return lookupCalls.get();
  }

  long throttledCalls() {
    return throttledCalls.get();
  }

  private TrailPage fetch(Instant start, String token) {
    for (int retry = 0; ; retry++) {
      try {
        limiter.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure(
            "interrupted while pacing CloudTrail LookupEvents", "Interrupted");
      }
      lookupCalls.incrementAndGet();
      try {
        return source.page(start, pageSize, token);
      } catch (MarketplaceCallException e) {
        if (!e.throttled()) {
          throw e.toActivityFailure();
        }
        throttledCalls.incrementAndGet();
        if (retry >= maxThrottleRetries) {
          throw ApplicationFailure.newFailure(
              "CloudTrail LookupEvents still throttled after "
                  + (retry + 1)
                  + " attempts of one page: "
                  + e.detail(),
              "CloudTrailThrottled");
        }
        Duration wait = throttleBackoff.delay(retry);
        log.debug("LookupEvents throttled; retrying the page in {} ms", wait.toMillis());
        sleep(wait);
      }
    }
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "interrupted while backing off CloudTrail LookupEvents", "Interrupted");
    }
  }
}
