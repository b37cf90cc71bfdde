package dev.hourmeter.worker.intake;

import dev.hourmeter.worker.settings.IntakeSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The lifecycle intake of a worker process, wired from {@link IntakeSettings}: the SQS client, the
 * handler with its Temporal adapter, and the pollers. {@link #close()} stops polling, then closes
 * the client.
 */
public final class LifecycleIntake implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LifecycleIntake.class);

  private final SqsClient sqs;
  private final SqsIntake intake;

  private LifecycleIntake(SqsClient sqs, SqsIntake intake) {
    this.sqs = sqs;
    this.intake = intake;
  }

  /**
   * Starts polling the settings' queues.
   *
   * @param products the products it may start (the catalog at the merge)
   */
  public static LifecycleIntake start(
      IntakeSettings settings,
      String region,
      KnownProducts products,
      WorkflowClient client,
      String taskQueue,
      MeterRegistry registry) {
    SqsClient sqs = sqsClient(region, settings.endpoint());
    LifecycleEventHandler handler =
        new LifecycleEventHandler(products, new LifecycleTemporal(client, taskQueue), registry);
    SqsIntake intake =
        new SqsIntake(sqs, settings.queueUrls(), handler, SqsIntake.WAIT_SECONDS).start();
    log.info("lifecycle intake on {} for products {}", settings.queueUrls(), products);
    return new LifecycleIntake(sqs, intake);
  }

  /**
   * An SQS client for {@code region}, on {@code endpoint} when given. Credentials come from the
   * default chain; against an overridden endpoint without credentials (a local ElasticMQ, which
   * checks none) dummy ones are used.
   */
  public static SqsClient sqsClient(String region, URI endpoint) {
    SqsClientBuilder builder =
        SqsClient.builder()
            .region(Region.of(region))
            .httpClient(UrlConnectionHttpClient.builder().build());
    if (endpoint != null) {
      builder.endpointOverride(endpoint).credentialsProvider(localCredentials());
    }
    return builder.build();
  }

  private static AwsCredentialsProvider localCredentials() {
    DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
    try {
      chain.resolveCredentials();
      return chain;
    } catch (SdkClientException e) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
  }

  @Override
  public void close() {
    intake.close();
    sqs.close();
  }
}
