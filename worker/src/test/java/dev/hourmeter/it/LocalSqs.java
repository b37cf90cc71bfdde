package dev.hourmeter.it;

import dev.hourmeter.simulator.EmbeddedSqs;
import dev.hourmeter.sqs.SqsClients;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A real local SQS for the intake tests (embedded ElasticMQ) with the AWS SDK v2 client over HTTP:
 * a lifecycle queue whose redrive policy moves a message to its dead-letter queue after {@code
 * maxReceives} receives.
 */
public final class LocalSqs implements AutoCloseable {

  public final EmbeddedSqs server;
  public final SqsClient sqs;
  public final String queueUrl;
  public final String deadLetterUrl;

  public LocalSqs(int maxReceives, int visibilityTimeoutSeconds) {
    server = EmbeddedSqs.startOnFreePort();
    sqs = SqsClients.create("us-east-1", server.endpoint());
    queueUrl =
        server.createQueueWithDeadLetters("lifecycle", maxReceives, visibilityTimeoutSeconds);
    deadLetterUrl = sqs.getQueueUrl(g -> g.queueName("lifecycle-dlq")).queueUrl();
  }

  public void send(String body) {
    sqs.sendMessage(s -> s.queueUrl(queueUrl).messageBody(body));
  }

  /** Messages in the lifecycle queue, visible or in flight. */
  public int inQueue() {
    return count(queueUrl);
  }

  /** The dead-letter queue's messages (received, and left there invisible for a moment). */
  public List<Message> deadLetters() {
    return sqs.receiveMessage(
            r -> r.queueUrl(deadLetterUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
        .messages();
  }

  private int count(String url) {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(
                g ->
                    g.queueUrl(url)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .attributes();
    return attributes.values().stream().mapToInt(Integer::parseInt).sum();
  }

  @Override
  public void close() {
    sqs.close();
    server.close();
  }
}
