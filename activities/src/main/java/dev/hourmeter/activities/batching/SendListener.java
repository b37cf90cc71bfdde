package dev.hourmeter.activities.batching;

import dev.hourmeter.workflows.model.activity.RecordResult;

/** Told by a {@link RecordSender} what became of the records of one {@link SendRequest}. */
public interface SendListener {

  /** Record {@code index} (into {@link SendRequest#records()}) has its final {@code result}. */
  void finalResult(int index, RecordResult result);

  /** {@code count} more BatchMeterUsage calls carried records of the request. */
  void calls(int count);

  /** A good moment to save progress (the activity heartbeats its final results so far). */
  void checkpoint();

  /**
   * Record {@code index} gets no final result from this send, and AWS certainly did not accept it
   * in this send: every call that carried it was refused before AWS processed anything, or it was
   * withdrawn before a call. (Without this, a record the send ends without an answer for is of
   * unknown fate.)
   */
  default void notSent(int index) {}
}
