package dev.hourmeter.worker.intake;

import dev.hourmeter.sqs.SqsClients;
import dev.hourmeter.worker.settings.IntakeSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The lifecycle intake of a worker process, wired from {@link IntakeSettings}: the SQS client
 * ({@link SqsClients}: default credentials, dummy ones for a local endpoint without any), the
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
   * @param agreements DescribeAgreement, for an ended agreement whose event does not say why
   */
  public static LifecycleIntake start(
      IntakeSettings settings,
      String region,
      KnownProducts products,
      WorkflowClient client,
      String taskQueue,
      MeterRegistry registry,
      AgreementStatusLookup agreements) {
    SqsClient sqs = SqsClients.create(region, settings.endpoint());
    LifecycleEventHandler handler =
        new LifecycleEventHandler(
            products, new LifecycleTemporal(client, taskQueue), registry, agreements);
    SqsIntake intake =
        new SqsIntake(sqs, settings.queueUrls(), handler, SqsIntake.WAIT_SECONDS).start();
    log.info("lifecycle intake on {} for products {}", settings.queueUrls(), products);
    return new LifecycleIntake(sqs, intake);
  }

  @Override
  public void close() {
    intake.close();
    sqs.close();
  }
}
