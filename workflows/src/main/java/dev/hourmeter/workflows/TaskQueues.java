package dev.hourmeter.workflows;

/** Task queue names, in one place. The worker and every client must agree on them. */
public final class TaskQueues {

  /**
   * Default task queue of customer workflows and their activities; override with
   * HOURMETER_TASK_QUEUE.
   */
  public static final String METERING = "hourmeter-metering";

  private TaskQueues() {}
}
