package dev.hourmeter.worker.intake;

import dev.hourmeter.worker.intake.LifecycleEventHandler.Disposition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Long-polls one or more SQS queues (one thread each) and hands every message to the {@link
 * LifecycleEventHandler}. A message is deleted only after its Temporal call succeeded; one Temporal
 * did not take is made visible again after a backoff (and the queue's polling pauses as long, so a
 * Temporal outage costs few receives against the redrive policy's count); a malformed one is left
 * alone, to reappear after the queue's visibility timeout until the redrive policy moves it to the
 * dead-letter queue. Nothing a message or SQS does stops the polling; only {@link #close()} does.
 */
public final class SqsIntake implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SqsIntake.class);

  /** SQS's longest long poll. */
  static final int WAIT_SECONDS = 20;

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(2);

  private final SqsClient sqs;
  private final List<String> queueUrls;
  private final LifecycleEventHandler handler;
  private final int waitSeconds;
  private final ExecutorService pollers;
  private volatile boolean running = true;

  /**
   * @param waitSeconds the long poll's wait, 1..20 (tests shorten it so that close is quick)
   */
  public SqsIntake(
      SqsClient sqs, List<String> queueUrls, LifecycleEventHandler handler, int waitSeconds) {
    this.sqs = sqs;
    this.queueUrls = List.copyOf(queueUrls);
    this.handler = handler;
    this.waitSeconds = Math.max(1, Math.min(WAIT_SECONDS, waitSeconds));
    this.pollers =
        Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("sqs-intake-", 0).daemon().factory());
  }

  public SqsIntake start() {
    for (String url : queueUrls) {
      pollers.execute(() -> poll(url));
      log.info("lifecycle intake polling {}", url);
    }
    return this;
  }

  private void poll(String queueUrl) {
    Duration backoff = Duration.ZERO;
    while (running) {
      try {
        if (!backoff.isZero()) {
          Thread.sleep(backoff.toMillis());
        }
        boolean temporalFailed = receiveOnce(queueUrl, backoff);
        backoff = temporalFailed ? next(backoff) : Duration.ZERO;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        backoff = next(backoff);
        log.warn("polling {} failed, next try in {}: {}", queueUrl, backoff, e.toString());
      }
    }
  }

  /** One receive and its messages; true when Temporal refused a call (back off). */
  private boolean receiveOnce(String queueUrl, Duration backoff) {
    ReceiveMessageResponse response =
        sqs.receiveMessage(
            r ->
                r.queueUrl(queueUrl)
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
    List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
    boolean temporalFailed = false;
    for (Message message : response.messages()) {
      Disposition disposition = handler.handle(message.messageId(), message.body());
      switch (disposition) {
        case DELETE ->
            deletes.add(
                DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(deletes.size()))
                    .receiptHandle(message.receiptHandle())
                    .build());
        case RETRY -> {
          temporalFailed = true;
          retryLater(queueUrl, message, next(backoff));
        }
        case LEAVE -> {
          Map<MessageSystemAttributeName, String> attributes = message.attributes();
          log.info(
              "message {} left in {} (received {} times)",
              message.messageId(),
              queueUrl,
              attributes.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
        }
      }
    }
    if (!deletes.isEmpty()) {
      DeleteMessageBatchResponse deleted =
          sqs.deleteMessageBatch(d -> d.queueUrl(queueUrl).entries(deletes));
      deleted
          .failed()
          .forEach(
              f ->
                  log.warn(
                      "deleting a processed message from {} failed ({}): it comes again, and"
                          + " acting on it again is a no-op",
                      queueUrl,
                      f.message()));
    }
    return temporalFailed;
  }

  /**
   * Makes the message visible again after {@code delay} (best effort: else the queue's timeout).
   */
  private void retryLater(String queueUrl, Message message, Duration delay) {
    try {
      sqs.changeMessageVisibility(
          c ->
              c.queueUrl(queueUrl)
                  .receiptHandle(message.receiptHandle())
                  .visibilityTimeout((int) Math.max(1, delay.toSeconds())));
    } catch (RuntimeException e) {
      log.debug("changing the visibility of {} failed: {}", message.messageId(), e.toString());
    }
  }

  static Duration next(Duration backoff) {
    if (backoff.isZero()) {
      return FIRST_BACKOFF;
    }
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  /** Stops polling: a receive in flight ends within the long poll's wait. */
  @Override
  public void close() {
    running = false;
    pollers.shutdownNow();
    try {
      if (!pollers.awaitTermination(waitSeconds + 5L, TimeUnit.SECONDS)) {
        log.warn("lifecycle intake pollers still running at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
