package dev.hourmeter.activities.batching;

import dev.hourmeter.workflows.model.RecordResult;

/** Told by a {@link RecordSender} what became of the records of one {@link SendRequest}. */
public interface SendListener {

  /** Record {@code index} (into {@link SendRequest#records()}) has its final {@code result}. */
  void finalResult(int index, RecordResult result);

  /** {@code count} more BatchMeterUsage calls carried records of the request. */
  void calls(int count);

  /** A good moment to save progress (the activity heartbeats its final results so far). */
  void checkpoint();
}
