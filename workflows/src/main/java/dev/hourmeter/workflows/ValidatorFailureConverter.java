package dev.hourmeter.workflows;

import io.temporal.api.failure.v1.Failure;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.FailureConverter;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.failure.DefaultFailureConverter;
import io.temporal.internal.worker.WorkflowExecutionException;
import io.temporal.payload.context.SerializationContext;

/**
 * The standard failure converter, except that an update validator's refusal keeps its {@code
 * ApplicationFailure}: its type and whether it is retryable. SDK 1.38 wraps an {@code
 * ApplicationFailure} thrown by a validator in a {@link WorkflowExecutionException} and converts
 * that wrapper again, so the client saw every refusal as a retryable {@code
 * WorkflowExecutionException} (temporalio/sdk-java#2875, fixed upstream by #3001, which also passes
 * the wrapped failure through). Nothing else reaches this converter as that wrapper: the SDK reads
 * its failure directly everywhere else. Remove once the SDK in use carries the fix.
 */
public final class ValidatorFailureConverter implements FailureConverter {

  private final FailureConverter delegate;

  public ValidatorFailureConverter() {
    this(new DefaultFailureConverter());
  }

  private ValidatorFailureConverter(FailureConverter delegate) {
    this.delegate = delegate;
  }

  /** The standard data converter with this failure converter. */
  public static DataConverter dataConverter() {
    return DefaultDataConverter.newDefaultInstance()
        .withFailureConverter(new ValidatorFailureConverter());
  }

  /**
   * {@code client}, or a client on its connection whose data converter is {@link #dataConverter()}
   * when it uses the standard one (a worker's failures are converted with its client's converter).
   */
  public static WorkflowClient forWorker(WorkflowClient client) {
    if (client.getOptions().getDataConverter() != GlobalDataConverter.get()) {
      return client; // a converter of the caller's own: left alone
    }
    return WorkflowClient.newInstance(
        client.getWorkflowServiceStubs(),
        client.getOptions().toBuilder().setDataConverter(dataConverter()).build());
  }

  @Override
  public RuntimeException failureToException(Failure failure, DataConverter dataConverter) {
    return delegate.failureToException(failure, dataConverter);
  }

  @Override
  public Failure exceptionToFailure(Throwable throwable, DataConverter dataConverter) {
    if (throwable instanceof WorkflowExecutionException wrapped) {
      return wrapped.getFailure();
    }
    return delegate.exceptionToFailure(throwable, dataConverter);
  }

  @Override
  public FailureConverter withContext(SerializationContext context) {
    return new ValidatorFailureConverter(delegate.withContext(context));
  }
}
