package dev.hourmeter.devtools.bench;

import dev.hourmeter.worker.HistoryActions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.List;

/** Reads a bench run's cost per period in Temporal actions and history events. */
final class HistorySampler {

  private static final int HISTORY_SAMPLES = 10;

  private HistorySampler() {}

  /**
   * Actions and history events of one steady-state period, from the histories of sampled customers:
   * everything after one SubmitUsageRecords completed, up to and including the next one's
   * completion. Returns {actions, events} per period, NaN when no sampled customer has two.
   */
  static double[] sample(
      WorkflowClient client, String productCode, int customers, boolean licensed) {
    double actions = 0;
    double events = 0;
    int samples = 0;
    int step = Math.max(1, customers / HISTORY_SAMPLES);
    for (int i = 1; i <= customers && samples < HISTORY_SAMPLES; i += step) {
      String id =
          MeteringWorkflowIds.forCustomer(productCode, BenchCustomers.customer(i, licensed));
      List<HistoryEvent> history = client.fetchHistory(id).getEvents();
      List<Integer> submitted = new ArrayList<>();
      for (int e = 0; e < history.size(); e++) {
        if (history.get(e).getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
          submitted.add(e);
        }
      }
      if (submitted.size() < 2) {
        continue;
      }
      int from = submitted.get(submitted.size() - 2) + 1;
      int to = submitted.get(submitted.size() - 1) + 1;
      actions += HistoryActions.count(history.subList(from, to));
      events += to - from;
      samples++;
    }
    return samples == 0
        ? new double[] {Double.NaN, Double.NaN}
        : new double[] {actions / samples, events / samples};
  }
}
