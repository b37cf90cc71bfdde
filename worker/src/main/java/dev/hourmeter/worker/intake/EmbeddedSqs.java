package dev.hourmeter.worker.intake;

import java.net.URI;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A real local SQS in this process: ElasticMQ's REST server, which speaks the SQS JSON protocol the
 * AWS SDK v2 client uses (queues, long polling, visibility timeouts, redrive policies), in memory.
 * For {@code dev} and the tests; a deployment points the intake at SQS (or docker-compose's
 * ElasticMQ service).
 */
public final class EmbeddedSqs implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedSqs.class);

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

  /** The endpoint to give the SQS client ({@code --intake-sqs-endpoint}). */
  public URI endpoint() {
    return endpoint;
  }

  /** Creates queue {@code name} (a no-op when it exists) and returns its URL. */
  public String createQueue(String name) {
    try (SqsClient sqs = LifecycleIntake.sqsClient("us-east-1", endpoint)) {
      return sqs.createQueue(c -> c.queueName(name)).queueUrl();
    }
  }

  @Override
  public void close() {
    server.stopAndWait();
  }
}
