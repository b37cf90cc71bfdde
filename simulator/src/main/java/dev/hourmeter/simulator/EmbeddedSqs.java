package dev.hourmeter.simulator;

import dev.hourmeter.sqs.SqsClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Await;
import scala.concurrent.duration.FiniteDuration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A real local SQS in this process: ElasticMQ's REST server, which speaks the SQS JSON protocol the
 * AWS SDK v2 client uses (queues, long polling, visibility timeouts, redrive policies), in memory.
 * The queue the simulator's agreement events go into ({@link SqsAgreementEventSink}) in {@code dev}
 * and the tests; a deployment points the intake at SQS (or docker-compose's ElasticMQ service).
 */
public final class EmbeddedSqs implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedSqs.class);

  static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private final SQSRestServer server;
  private final URI endpoint;

  private EmbeddedSqs(SQSRestServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  /** Starts on 127.0.0.1:{@code port} and waits until it answers. */
  public static EmbeddedSqs start(int port) {
    SQSRestServer server =
        SQSRestServerBuilder.withInterface("127.0.0.1")
            .withPort(port)
            .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
            .withAWSRegion("us-east-1")
            .start();
    server.waitUntilStarted();
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    log.info("local SQS (ElasticMQ) on {}", endpoint);
    return new EmbeddedSqs(server, endpoint);
  }

  /** Starts on a free port of 127.0.0.1 and waits until it answers. */
  public static EmbeddedSqs startOnFreePort() {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the local SQS", e);
    }
    return start(port);
  }

  /** The endpoint to give the SQS client ({@code --intake-sqs-endpoint}). */
  public URI endpoint() {
    return endpoint;
  }

  /** Creates queue {@code name} (a no-op when it exists) and returns its URL. */
  public String createQueue(String name) {
    try (SqsClient sqs = SqsClients.create("us-east-1", endpoint)) {
      return sqs.createQueue(c -> c.queueName(name)).queueUrl();
    }
  }

  /**
   * Creates queue {@code name} with a dead-letter queue {@code name-dlq} that a message moves to
   * after {@code maxReceives} receives (the redrive policy the intake relies on for malformed
   * messages, as deploy/elasticmq.conf sets up in docker-compose) and returns the queue's URL.
   *
   * @param visibilityTimeoutSeconds how long a received message stays invisible
   */
  public String createQueueWithDeadLetters(
      String name, int maxReceives, int visibilityTimeoutSeconds) {
    try (SqsClient sqs = SqsClients.create("us-east-1", endpoint)) {
      String deadLetterUrl = sqs.createQueue(c -> c.queueName(name + "-dlq")).queueUrl();
      String deadLetterArn =
          sqs.getQueueAttributes(
                  g -> g.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
              .attributes()
              .get(QueueAttributeName.QUEUE_ARN);
      return sqs.createQueue(
              c ->
                  c.queueName(name)
                      .attributes(
                          Map.of(
                              QueueAttributeName.VISIBILITY_TIMEOUT,
                              Integer.toString(visibilityTimeoutSeconds),
                              QueueAttributeName.REDRIVE_POLICY,
                              "{\"maxReceiveCount\":\""
                                  + maxReceives
                                  + "\",\"deadLetterTargetArn\":\""
                                  + deadLetterArn
                                  + "\"}")))
          .queueUrl();
    }
  }

  /**
   * Stops, waiting at most {@link #STOP_WAIT} (Pekko's graceful unbind can wait a minute for idle
   * keep-alive connections of clients that were closed).
   */
  @Override
  public void close() {
    try {
      Await.ready(
          server.stopAndGetFuture().apply(),
          FiniteDuration.create(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      log.debug("local SQS still stopping after {}", STOP_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
