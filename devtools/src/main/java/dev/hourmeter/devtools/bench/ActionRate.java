package dev.hourmeter.devtools.bench;

import dev.hourmeter.worker.HistoryActions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The busiest second of a bench run's Temporal actions, as Temporal Cloud would count them against
 * a namespace's actions-per-second limit: every customer's history is read ({@link HistoryActions}
 * dates each action), and the actions in {@code [from, to)} are counted per wall-clock second. One
 * history read per customer, eight at a time.
 */
final class ActionRate {

  private static final int READERS = 8;

  private ActionRate() {}

  /** The most actions of all customers in one second of {@code [from, to)}; 0 when none. */
  static long peakPerSecond(
      WorkflowClient client,
      String productCode,
      int customers,
      boolean licensed,
      Instant from,
      Instant to)
      throws Exception {
    TreeMap<Long, Long> perSecond = new TreeMap<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(READERS)) {
      List<Future<List<Instant>>> reads = new ArrayList<>();
      for (int i = 1; i <= customers; i++) {
        String id =
            MeteringWorkflowIds.forCustomer(productCode, BenchCustomers.customer(i, licensed));
        reads.add(pool.submit(() -> HistoryActions.instants(client.fetchHistory(id).getEvents())));
      }
      for (Future<List<Instant>> read : reads) {
        for (Instant action : read.get()) {
          if (!action.isBefore(from) && action.isBefore(to)) {
            perSecond.merge(action.getEpochSecond(), 1L, Long::sum);
          }
        }
      }
    }
    return perSecond.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
