package dev.hourmeter.activities.batching;

import java.util.List;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes an activity attempt's records without an outcome out of the {@link MeteringBatcher}'s
 * {@link BatchQueues} when the attempt's time to send runs out or it stops waiting: none of them is
 * sent or re-queued again; those waiting for a call end now, those in a call when it answers.
 */
final class RecordWithdrawals {

  private static final Logger log = LoggerFactory.getLogger(MeteringBatcher.class);

  private final BatchQueues queues;

  RecordWithdrawals(BatchQueues queues) {
    this.queues = queues;
  }

  /**
   * The attempt's time to send ran out: its records still waiting for a call are taken out and end
   * (certainly not sent again); those in a call finish it.
   */
  void withdrawWaiting(List<PendingRecord> pending, String workflowId) {
    Withdrawal w = withdraw(pending);
    if (w.unanswered().isEmpty()) {
      return;
    }
    log.warn(
        "metering batcher: time to send ran out for workflow {}; {} waiting records withdrawn, {}"
            + " in a call awaited",
        workflowId,
        w.removed().size(),
        w.inCalls());
  }

  /** The attempt stopped waiting: nothing of it is sent again; answers still due are lost. */
  void abandonUnanswered(List<PendingRecord> pending, String workflowId) {
    Withdrawal w = withdraw(pending);
    if (w.unanswered().isEmpty()) {
      return;
    }
    CancellationException abandoned =
        new CancellationException("the activity attempt stopped waiting for this record's call");
    w.unanswered().forEach(p -> p.future.completeExceptionally(abandoned));
    log.warn(
        "metering batcher: workflow {} stopped waiting; {} records withdrawn ({} still queued, {}"
            + " in a call that finishes, their fate unknown)",
        workflowId,
        w.unanswered().size(),
        w.removed().size(),
        w.inCalls());
  }

  /** The records without an outcome, and those of them that were waiting (now removed). */
  private record Withdrawal(List<PendingRecord> unanswered, List<PendingRecord> removed) {
    int inCalls() {
      return unanswered.size() - removed.size();
    }
  }

  /**
   * Withdraws the records without an outcome: none is sent or re-queued again; those that were
   * waiting for a call end now, those in a call when it answers.
   */
  private Withdrawal withdraw(List<PendingRecord> pending) {
    List<PendingRecord> unanswered = pending.stream().filter(p -> !p.future.isDone()).toList();
    if (unanswered.isEmpty()) {
      return new Withdrawal(unanswered, List.of());
    }
    List<PendingRecord> removed = queues.withdraw(unanswered);
    removed.forEach(
        p -> p.future.completeExceptionally(p.finalFailure(new RecordWithdrawnException())));
    return new Withdrawal(unanswered, removed);
  }
}
