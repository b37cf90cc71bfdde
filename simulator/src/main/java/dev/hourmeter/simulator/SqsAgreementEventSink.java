package dev.hourmeter.simulator;

import dev.hourmeter.sqs.SqsClients;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Publishes every agreement message into a real SQS queue (SQS itself, or a local ElasticMQ) with
 * the AWS SDK v2 client over HTTP, as AWS's EventBridge rule or SNS subscription would: one SQS
 * message per body, in the order the simulator delivers them (its event faults already applied).
 *
 * <p>A failed send is retried with backoff ({@code attempts} in all); after the last one the
 * message is logged at ERROR with its event id and kept in {@link #failed()}. Every message handed
 * over, sent or not, stays in {@link #delivered()} for {@code /_sim/agreement-events}. Sends block
 * the caller (the simulator's event delivery, outside its state lock), so a message is in the queue
 * when {@code POST /_sim/agreements} answers. Thread-safe.
 */
public final class SqsAgreementEventSink implements AgreementEventSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqsAgreementEventSink.class);

  public static final int DEFAULT_ATTEMPTS = 5;
  public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(200);

  /** One send may take this long before it counts as failed. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  /** The first {@code "id"} (EventBridge) or {@code "MessageId"} (SNS envelope) of a body. */
  private static final Pattern EVENT_ID =
      Pattern.compile("\"(?:id|MessageId)\"\\s*:\\s*\"([^\"]{1,128})\"");

  private final SqsClient sqs;
  private final String queueUrl;
  private final int attempts;
  private final Duration firstBackoff;
  private final InMemoryAgreementEventSink delivered = new InMemoryAgreementEventSink();
  private final List<String> failed = new ArrayList<>();

  /**
   * @param sqs the client (closed by {@link #close()})
   * @param attempts sends per message, at least 1
   * @param firstBackoff the wait after the first failure, doubled after each further one
   */
  public SqsAgreementEventSink(
      SqsClient sqs, String queueUrl, int attempts, Duration firstBackoff) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1: " + attempts);
    }
    this.attempts = attempts;
    this.firstBackoff = Objects.requireNonNull(firstBackoff, "firstBackoff");
  }

  /**
   * A sink on queue {@code queueUrl}, through {@code endpoint} when given (a local ElasticMQ: dummy
   * credentials unless the default chain has some), else AWS's SQS in {@code region}.
   */
  public static SqsAgreementEventSink create(URI endpoint, String queueUrl, String region) {
    return new SqsAgreementEventSink(
        sqsClient(endpoint, region), queueUrl, DEFAULT_ATTEMPTS, DEFAULT_FIRST_BACKOFF);
  }

  static SqsClient sqsClient(URI endpoint, String region) {
    return SqsClients.builder(region, endpoint)
        // This sink retries itself (and logs what it gives up on).
        .overrideConfiguration(
            o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(CALL_TIMEOUT))
        .build();
  }

  public String queueUrl() {
    return queueUrl;
  }

  @Override
  public void publish(String messageBody) {
    delivered.publish(messageBody);
    Duration backoff = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        sqs.sendMessage(s -> s.queueUrl(queueUrl).messageBody(messageBody));
        return;
      } catch (SdkException e) {
        if (attempt >= attempts) {
          LOG.error(
              "agreement event {} NOT published to {} after {} attempts ({}): kept in the"
                  + " simulator's failed list (/_sim/agreement-events)",
              eventId(messageBody),
              queueUrl,
              attempts,
              e.toString());
          synchronized (failed) {
            failed.add(messageBody);
          }
          return;
        }
        LOG.warn(
            "publishing agreement event {} to {} failed (attempt {} of {}), next in {}: {}",
            eventId(messageBody),
            queueUrl,
            attempt,
            attempts,
            backoff,
            e.toString());
        if (!sleep(backoff)) {
          LOG.error(
              "agreement event {} NOT published to {}: interrupted while retrying",
              eventId(messageBody),
              queueUrl);
          synchronized (failed) {
            failed.add(messageBody);
          }
          return;
        }
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  /** Every message handed to this sink, sent or not, oldest first. */
  public InMemoryAgreementEventSink delivered() {
    return delivered;
  }

  /** The messages whose every send failed, oldest first. */
  public List<String> failed() {
    synchronized (failed) {
      return List.copyOf(failed);
    }
  }

  /** Forgets {@link #delivered()} and {@link #failed()} (not the queue's messages). */
  public void clear() {
    delivered.clear();
    synchronized (failed) {
      failed.clear();
    }
  }

  /** The body's EventBridge {@code id} or SNS {@code MessageId}; "(no id)" when it has none. */
  static String eventId(String body) {
    Matcher matcher = EVENT_ID.matcher(body);
    return matcher.find() ? matcher.group(1) : "(no id)";
  }

  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    sqs.close();
  }

  @Override
  public String toString() {
    return "SQS " + queueUrl;
  }
}
