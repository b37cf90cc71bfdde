package dev.hourmeter.client.usage;

import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.UsageMessages;
import dev.hourmeter.workflows.model.api.UsageBatchReceipt;
import dev.hourmeter.workflows.model.api.UsageBatchReceipts;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.grpc.Context;
import io.grpc.Deadline;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.converter.DataConverter;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports usage events to the customers' metering workflows over a Temporal client, with an outcome
 * per event. The events of one call are grouped by customer workflow ({@link
 * MeteringWorkflowIds#forCustomer}) and each group travels in ONE {@code reportUsageBatch} update
 * (a Temporal action is billed per update, not per event). A group is split into several updates,
 * sent one after the other in the group's order, only when it holds more than {@link
 * UsageMessages#MAX_BATCH_REPORTS} events or its serialized events would pass {@link
 * #DEFAULT_MAX_UPDATE_BYTES} (Temporal refuses a payload over 2 MB). Each event becomes a report of
 * one entry whose id is the event's id, checked by the workflow's validator with the same rules,
 * limits and dedup as every other report: one bad event never loses the others.
 *
 * <p>Outcomes: a customer without a running workflow (never started, or ended) has each of its
 * events refused ({@code not_running}, not retryable); when Temporal cannot be reached or does not
 * answer, its events are refused as {@code unavailable}, retryable (the update may or may not have
 * been applied: sending the same ids again is safe).
 *
 * <p>Time: an update not answered within the timeout (by default the client's rpc timeout, {@link
 * io.temporal.serviceclient.WorkflowServiceStubsOptions#getRpcTimeout()}, 10 s unless set) is given
 * up, and that customer's later updates of the call are not sent. The SDK's own update call does
 * not heed the rpc timeout (it retries an unreachable server for 60 s), so each update runs under a
 * gRPC deadline. A call also waits at most the timeout for a free update slot: with Temporal down,
 * a call returns within about the timeout, twice that when every slot is taken.
 *
 * <p>Thread-safe; the groups of one call are sent in parallel, with at most {@code
 * maxConcurrentUpdates} updates in flight over all calls. Customers whose workflow still has an id
 * from before ids were escaped (a product or customer holding {@code %} or {@code /}) are not
 * found: use the CLI for those.
 */
public final class UsageReporter {

  private static final Logger log = LoggerFactory.getLogger(UsageReporter.class);

  /** The default bound on updates in flight at once, over all calls. */
  public static final int DEFAULT_MAX_CONCURRENT_UPDATES = 32;

  /**
   * The most serialized event bytes one update carries by default: 512 KiB, a quarter of the 2 MB
   * that Temporal refuses in a payload, leaving room for the update's receipts and headers.
   */
  public static final int DEFAULT_MAX_UPDATE_BYTES = 512 * 1024;

  /** The list's opening bracket: what an update's payload holds besides its reports. */
  private static final int LIST_BYTES = 1;

  /** Cancels the gRPC contexts of updates whose deadline passed. */
  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("usage-reporter-deadlines").factory());

  private final WorkflowClient client;
  private final Semaphore updates;
  private final Duration timeout;
  private final int maxUpdateBytes;
  private final DataConverter converter;

  public UsageReporter(WorkflowClient client) {
    this(builder(client));
  }

  /** With at most {@code maxConcurrentUpdates} updates in flight at once, over all calls. */
  public UsageReporter(WorkflowClient client, int maxConcurrentUpdates) {
    this(builder(client).maxConcurrentUpdates(maxConcurrentUpdates));
  }

  private UsageReporter(Builder builder) {
    this.client = builder.client;
    this.updates = new Semaphore(builder.maxConcurrentUpdates);
    this.timeout =
        builder.timeout != null
            ? builder.timeout
            : client.getWorkflowServiceStubs().getOptions().getRpcTimeout();
    this.maxUpdateBytes = builder.maxUpdateBytes;
    this.converter = client.getOptions().getDataConverter();
  }

  public static Builder builder(WorkflowClient client) {
    return new Builder(client);
  }

  /** Options of a {@link UsageReporter}. */
  public static final class Builder {

    private final WorkflowClient client;
    private int maxConcurrentUpdates = DEFAULT_MAX_CONCURRENT_UPDATES;
    private Duration timeout;
    private int maxUpdateBytes = DEFAULT_MAX_UPDATE_BYTES;

    private Builder(WorkflowClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** At most this many updates in flight at once, over all calls (default 32). */
    public Builder maxConcurrentUpdates(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentUpdates must be >= 1, got " + max);
      }
      this.maxConcurrentUpdates = max;
      return this;
    }

    /**
     * How long one update may wait for Temporal's answer, and one call for a free update slot
     * (default: the client's rpc timeout); the events not answered in time are refused as {@code
     * unavailable}, retryable.
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || !timeout.isPositive()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The most serialized event bytes one update carries (default {@link
     * #DEFAULT_MAX_UPDATE_BYTES}); a customer's events beyond it travel in further updates, and one
     * event larger than this on its own is refused ({@code invalid}).
     */
    public Builder maxUpdateBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxUpdateBytes must be >= 1, got " + bytes);
      }
      this.maxUpdateBytes = bytes;
      return this;
    }

    public UsageReporter build() {
      return new UsageReporter(this);
    }
  }

  /** One event; see {@link #report(List)}. */
  public EventOutcome report(UsageEvent event) {
    return report(List.of(event)).get(0);
  }

  /** The outcome of each event, in the order given. */
  public List<EventOutcome> report(List<UsageEvent> events) {
    // Bounds the wait for a free update slot; each update then has the whole timeout.
    Deadline slotDeadline = Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
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
          List<List<Integer>> chunks = chunks(indexes, events, outcomes);
          // One customer's updates one after the other, in order: an id repeated in a later
          // update is answered DUPLICATE as it would be within one. Once one is not answered,
          // the rest are not sent (Temporal is not answering for this customer).
          sends.add(
              () -> {
                boolean answered = true;
                for (List<Integer> chunk : chunks) {
                  if (answered) {
                    answered = sendBounded(workflowId, chunk, events, outcomes, slotDeadline);
                  } else {
                    refuseAll(
                        chunk,
                        events,
                        outcomes,
                        EventOutcome.Codes.UNAVAILABLE,
                        "temporal: not sent, an earlier update for this customer was not"
                            + " answered: retry with the same ids",
                        true);
                  }
                }
              });
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

  /**
   * One customer's events (their indexes) cut into the updates that carry them, in order: at most
   * {@link UsageMessages#MAX_BATCH_REPORTS} events and {@code maxUpdateBytes} serialized bytes
   * each. An event over {@code maxUpdateBytes} on its own is refused in {@code outcomes} (no valid
   * event comes near the default: an id has at most 256 characters, the tags at most 5 x 356).
   */
  List<List<Integer>> chunks(
      List<Integer> indexes, List<UsageEvent> events, EventOutcome[] outcomes) {
    List<List<Integer>> chunks = new ArrayList<>();
    List<Integer> chunk = new ArrayList<>();
    long bytes = LIST_BYTES;
    for (int i : indexes) {
      long size = serializedSize(toReport(events.get(i)));
      if (LIST_BYTES + size > maxUpdateBytes) {
        outcomes[i] =
            EventOutcome.refused(
                events.get(i).id(),
                EventOutcome.Codes.INVALID,
                "event: "
                    + size
                    + " bytes once serialized, over the "
                    + maxUpdateBytes
                    + " bytes one update may carry",
                false);
        continue;
      }
      if (!chunk.isEmpty()
          && (chunk.size() == UsageMessages.MAX_BATCH_REPORTS || bytes + size > maxUpdateBytes)) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        bytes = LIST_BYTES;
      }
      chunk.add(i);
      bytes += size;
    }
    if (!chunk.isEmpty()) {
      chunks.add(chunk);
    }
    return chunks;
  }

  /**
   * What one report adds to an update's payload: its own serialized form by the client's data
   * converter, and a separator (a comma, or the list's closing bracket).
   */
  private long serializedSize(UsageReport report) {
    try {
      return converter.toPayload(report).map(p -> p.getData().size()).orElse(0) + 1L;
    } catch (RuntimeException e) {
      return 0; // the update itself will say what is wrong with it
    }
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

  /** Sends one update once a slot is free; false when Temporal did not answer it. */
  private boolean sendBounded(
      String workflowId,
      List<Integer> indexes,
      List<UsageEvent> events,
      EventOutcome[] outcomes,
      Deadline slotDeadline) {
    try {
      if (!updates.tryAcquire(
          Math.max(0, slotDeadline.timeRemaining(TimeUnit.NANOSECONDS)), TimeUnit.NANOSECONDS)) {
        refuseAll(
            indexes,
            events,
            outcomes,
            EventOutcome.Codes.UNAVAILABLE,
            "temporal: not sent within "
                + timeout
                + " (too many updates in flight): retry with the same ids",
            true);
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      refuseAll(
          indexes,
          events,
          outcomes,
          EventOutcome.Codes.UNAVAILABLE,
          "temporal: not delivered (interrupted): retry with the same ids",
          true);
      return false;
    }
    try {
      return send(workflowId, indexes, events, outcomes);
    } finally {
      updates.release();
    }
  }

  /** One update, given up after the timeout; false when Temporal did not answer it. */
  private boolean send(
      String workflowId, List<Integer> indexes, List<UsageEvent> events, EventOutcome[] outcomes) {
    List<UsageReport> reports = new ArrayList<>(indexes.size());
    for (int i : indexes) {
      reports.add(toReport(events.get(i)));
    }
    try {
      List<UsageBatchReceipt> receipts =
          update(workflowId, reports, Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS))
              .receipts();
      for (int k = 0; k < indexes.size(); k++) {
        outcomes[indexes.get(k)] = outcome(events.get(indexes.get(k)).id(), receipts, k);
      }
      return true;
    } catch (TimeoutException e) {
      log.warn("usage for {} not answered within {}", workflowId, timeout);
      refuseAll(
          indexes,
          events,
          outcomes,
          EventOutcome.Codes.UNAVAILABLE,
          "temporal: no answer within "
              + timeout
              + " (unreachable or busy; the update may have been applied): retry with the same"
              + " ids",
          true);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      refuseAll(
          indexes,
          events,
          outcomes,
          EventOutcome.Codes.UNAVAILABLE,
          "temporal: not delivered (interrupted): retry with the same ids",
          true);
      return false;
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
      return true;
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
        return true;
      }
      unavailable(workflowId, indexes, events, outcomes, e);
      return false;
    } catch (RuntimeException e) {
      unavailable(workflowId, indexes, events, outcomes, e);
      return false;
    }
  }

  /**
   * The update, given up at {@code deadline}: it runs under a gRPC context with that deadline (so
   * the SDK stops retrying, and the server knows when its caller gave up), on its own thread, which
   * is abandoned and its call cancelled when the deadline passes (the SDK may be sleeping between
   * two attempts then).
   */
  private UsageBatchReceipts update(String workflowId, List<UsageReport> reports, Deadline deadline)
      throws TimeoutException, InterruptedException {
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(CustomerMeteringWorkflow.class, workflowId);
    CompletableFuture<UsageBatchReceipts> result = new CompletableFuture<>();
    Context.CancellableContext context = Context.current().withDeadline(deadline, DEADLINES);
    try {
      Thread.ofVirtual()
          .name("usage-update")
          .start(
              context.wrap(
                  () -> {
                    try {
                      result.complete(workflow.reportUsageBatch(reports));
                    } catch (Throwable t) {
                      result.completeExceptionally(t);
                    }
                  }));
      return result.get(
          Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      context.cancel(null);
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
