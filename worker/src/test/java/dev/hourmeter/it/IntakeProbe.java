package dev.hourmeter.it;

import dev.hourmeter.worker.intake.LifecycleEventHandler;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What the lifecycle intake tests look at: the customers' workflows it started, signalled and ended
 * (through {@code client}), and its counters (in {@code registry}).
 */
final class IntakeProbe {

  private final WorkflowClient client;
  private final MeterRegistry registry;

  IntakeProbe(WorkflowClient client, MeterRegistry registry) {
    this.client = client;
    this.registry = registry;
  }

  CustomerMeteringWorkflow stub(String workflowId) {
    return client.newWorkflowStub(CustomerMeteringWorkflow.class, workflowId);
  }

  /** The latest run's status; null when the workflow never ran. */
  WorkflowExecutionStatus status(String workflowId) {
    try {
      return client
          .newUntypedWorkflowStub(workflowId)
          .describe()
          .getRawDescription()
          .getWorkflowExecutionInfo()
          .getStatus();
    } catch (WorkflowNotFoundException e) {
      return null;
    }
  }

  String runId(String workflowId) {
    return client
        .newUntypedWorkflowStub(workflowId)
        .describe()
        .getRawDescription()
        .getWorkflowExecutionInfo()
        .getExecution()
        .getRunId();
  }

  String agreementAttribute(String workflowId) {
    return client
        .newUntypedWorkflowStub(workflowId)
        .describe()
        .getTypedSearchAttributes()
        .get(MeteringSearchAttributes.AGREEMENT);
  }

  /**
   * Signals {@code name} received by every run of {@code workflowId} (a run may continue as new).
   */
  long signals(String workflowId, String name) {
    long count = 0;
    String runId = null;
    do {
      List<HistoryEvent> events =
          (runId == null ? client.fetchHistory(workflowId) : client.fetchHistory(workflowId, runId))
              .getEvents();
      count +=
          events.stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
              .map(HistoryEvent::getWorkflowExecutionSignaledEventAttributes)
              .filter(a -> a.getSignalName().equals(name))
              .count();
      String previous =
          events
              .getFirst()
              .getWorkflowExecutionStartedEventAttributes()
              .getContinuedExecutionRunId();
      runId = previous.isEmpty() ? null : previous;
    } while (runId != null);
    return count;
  }

  double processed(String outcome) {
    return registry.counter(LifecycleEventHandler.PROCESSED, "outcome", outcome).count();
  }

  double rejected(String reason) {
    return registry.counter(LifecycleEventHandler.REJECTED, "reason", reason).count();
  }

  static void awaitTrue(String what, BooleanSupplier condition) {
    awaitTrue(what, condition, Duration.ofSeconds(30));
  }

  static void awaitTrue(String what, BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }

  /** A report of {@code quantity} requests at {@code at}. */
  static UsageReport usage(String id, Instant at, long quantity) {
    return new UsageReport(id, List.of(new UsageEntry("requests", quantity, at.toString())));
  }
}
