package dev.hourmeter.client.usage;

import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.UsageMessages;
import dev.hourmeter.workflows.model.api.UsageBatchReceipt;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports usage events to the customers' metering workflows over a Temporal client, with an outcome
 * per event. The events of one call are grouped by customer workflow ({@link
 * MeteringWorkflowIds#forCustomer}) and each group travels in ONE {@code reportUsageBatch} update
 * (a Temporal action is billed per update, not per event; a group over {@link
 * UsageMessages#MAX_BATCH_REPORTS} events is split). Each event becomes a report of one entry whose
 * id is the event's id, checked by the workflow's validator with the same rules, limits and dedup
 * as every other report: one bad event never loses the others.
 *
 * <p>Outcomes: a customer without a running workflow (never started, or ended) has each of its
 * events refused ({@code not_running}, not retryable); when Temporal cannot be reached or does not
 * answer, its events are refused as {@code unavailable}, retryable (the update may or may not have
 * been applied: sending the same ids again is safe). Thread-safe; the groups of one call are sent
 * in parallel, with at most {@code maxConcurrentUpdates} updates in flight over all calls.
 * Customers whose workflow still has an id from before ids were escaped (a product or customer
 * holding {@code %} or {@code /}) are not found: use the CLI for those.
 */
public final class UsageReporter {

  private static final Logger log = LoggerFactory.getLogger(UsageReporter.class);

  /** The default bound on updates in flight at once, over all calls. */
  public static final int DEFAULT_MAX_CONCURRENT_UPDATES = 32;

  private final WorkflowClient client;
  private final Semaphore updates;

  public UsageReporter(WorkflowClient client) {
    this(client, DEFAULT_MAX_CONCURRENT_UPDATES);
  }

  /** With at most {@code maxConcurrentUpdates} updates in flight at once, over all calls. */
  public UsageReporter(WorkflowClient client, int maxConcurrentUpdates) {
    this.client = Objects.requireNonNull(client, "client");
    this.updates = new Semaphore(maxConcurrentUpdates);
  }

  /** One event; see {@link #report(List)}. */
  public EventOutcome report(UsageEvent event) {
    return report(List.of(event)).get(0);
  }

  /** The outcome of each event, in the order given. */
  public List<EventOutcome> report(List<UsageEvent> events) {
    EventOutcome[] outcomes = new EventOutcome[events.size()];
    Map<String, List<Integer>> byWorkflow = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      UsageEvent event = events.get(i);
      String problem = problem(event);
      if (problem != null) {
        outcomes[i] =
            EventOutcome.refused(
                event == null ? null : event.id(), EventOutcome.Codes.INVALID, problem, false);
        continue;
      }
      byWorkflow.computeIfAbsent(workflowId(event), k -> new ArrayList<>()).add(i);
    }
    List<Runnable> sends = new ArrayList<>();
    byWorkflow.forEach(
        (workflowId, indexes) -> {
          for (int from = 0; from < indexes.size(); from += UsageMessages.MAX_BATCH_REPORTS) {
            List<Integer> chunk =
                indexes.subList(
                    from, Math.min(indexes.size(), from + UsageMessages.MAX_BATCH_REPORTS));
            sends.add(() -> sendBounded(workflowId, chunk, events, outcomes));
          }
        });
    if (sends.size() == 1) {
      sends.get(0).run();
    } else {
      // Different customers' updates in parallel (each writes its own slots of outcomes).
      try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
        sends.forEach(parallel::execute);
      }
    }
    return Arrays.asList(outcomes);
  }

  /** The customer workflow an event goes to. */
  public static String workflowId(UsageEvent event) {
    return MeteringWorkflowIds.forCustomer(
        event.product().trim(), event.customer().trim(), event.licenseArn());
  }

  /**
   * What must hold before an event can be routed, naming the field; the workflow's validator checks
   * the rest (dimension known, quantity's range and scale, timestamp, tags).
   */
  static String problem(UsageEvent event) {
    if (event == null) {
      return "event: is required";
    }
    if (event.id() == null || event.id().isBlank()) {
      return "id: is required (it makes delivery idempotent)";
    }
    if (event.product() == null || event.product().isBlank()) {
      return "product: is required";
    }
    if (event.customer() == null || event.customer().isBlank()) {
      return "customer: is required";
    }
    if (event.dimension() == null || event.dimension().isBlank()) {
      return "dimension: is required";
    }
    if (event.quantity() == null) {
      return "quantity: is required";
    }
    for (Map.Entry<String, String> tag : event.tags().entrySet()) {
      if (tag.getValue() == null) {
        return "tags." + tag.getKey() + ": must be a string, got null";
      }
    }
    return MeteringWorkflowIds.lengthProblem(workflowId(event));
  }

  private void sendBounded(
      String workflowId, List<Integer> indexes, List<UsageEvent> events, EventOutcome[] outcomes) {
    try {
      updates.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      refuseAll(
          indexes,
          events,
          outcomes,
          EventOutcome.Codes.UNAVAILABLE,
          "temporal: not delivered (interrupted): retry with the same ids",
          true);
      return;
    }
    try {
      send(workflowId, indexes, events, outcomes);
    } finally {
      updates.release();
    }
  }

  private void send(
      String workflowId, List<Integer> indexes, List<UsageEvent> events, EventOutcome[] outcomes) {
    List<UsageReport> reports = new ArrayList<>(indexes.size());
    for (int i : indexes) {
      reports.add(toReport(events.get(i)));
    }
    try {
      List<UsageBatchReceipt> receipts =
          client
              .newWorkflowStub(CustomerMeteringWorkflow.class, workflowId)
              .reportUsageBatch(reports)
              .receipts();
      for (int k = 0; k < indexes.size(); k++) {
        outcomes[indexes.get(k)] = outcome(events.get(indexes.get(k)).id(), receipts, k);
      }
    } catch (WorkflowNotFoundException e) {
      refuseAll(
          indexes,
          events,
          outcomes,
          EventOutcome.Codes.NOT_RUNNING,
          "customer: no running metering workflow "
              + workflowId
              + " (not started, or ended): start the customer first",
          false);
    } catch (WorkflowUpdateException e) {
      ApplicationFailure failure = applicationFailure(e);
      if (failure != null) {
        String message = failure.getOriginalMessage();
        refuseAll(
            indexes,
            events,
            outcomes,
            message.startsWith("subscription has ended")
                ? EventOutcome.Codes.ENDED
                : EventOutcome.Codes.INVALID,
            message,
            !failure.isNonRetryable());
      } else {
        unavailable(workflowId, indexes, events, outcomes, e);
      }
    } catch (RuntimeException e) {
      unavailable(workflowId, indexes, events, outcomes, e);
    }
  }

  private static void unavailable(
      String workflowId,
      List<Integer> indexes,
      List<UsageEvent> events,
      EventOutcome[] outcomes,
      RuntimeException e) {
    log.warn("usage for {} not delivered: {}", workflowId, describe(e));
    refuseAll(
        indexes,
        events,
        outcomes,
        EventOutcome.Codes.UNAVAILABLE,
        "temporal: not delivered (" + describe(e) + "): retry with the same ids",
        true);
  }

  private static EventOutcome outcome(String id, List<UsageBatchReceipt> receipts, int k) {
    if (receipts == null || k >= receipts.size()) {
      return EventOutcome.refused(
          id, EventOutcome.Codes.UNAVAILABLE, "temporal: no receipt for this event: retry", true);
    }
    UsageBatchReceipt receipt = receipts.get(k);
    return switch (receipt.status()) {
      case ACCEPTED -> EventOutcome.accepted(id);
      case DUPLICATE -> EventOutcome.duplicate(id);
      case REFUSED ->
          EventOutcome.refused(id, receipt.refusal(), receipt.reason(), receipt.retryable());
    };
  }

  private static void refuseAll(
      List<Integer> indexes,
      List<UsageEvent> events,
      EventOutcome[] outcomes,
      String code,
      String reason,
      boolean retryable) {
    for (int i : indexes) {
      outcomes[i] = EventOutcome.refused(events.get(i).id(), code, reason, retryable);
    }
  }

  static UsageReport toReport(UsageEvent event) {
    BigDecimal quantity = event.quantity();
    return new UsageReport(
        event.id(),
        List.of(new UsageEntry(event.dimension(), quantity, event.timestamp(), event.tags())));
  }

  private static ApplicationFailure applicationFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure failure) {
        return failure;
      }
    }
    return null;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.length() <= 200 ? message : message.substring(0, 200) + "...";
  }
}
