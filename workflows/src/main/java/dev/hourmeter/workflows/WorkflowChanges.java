package dev.hourmeter.workflows;

/**
 * The {@code Workflow.getVersion} change ids of the customer workflow: one constant per change to
 * its command sequence made after 1.0, each with a one-line comment saying what changed. Version
 * 1.0 is the baseline and carries none. The rule (every command-sequence change guarded by its own
 * id, named {@code <what-changed>-<yyyy-mm>}, with golden histories of the new version) is in
 * docs/workflow-versioning.md.
 */
public final class WorkflowChanges {

  /**
   * The {@code agreementEnded} signal hands a renewed or replaced license over to its successor
   * (FindSuccessor activity, {@code takeOver} signal to the successor, forwarded usage); 1.0
   * ignored the signal as unknown.
   */
  public static final String AGREEMENT_HAND_OVER = "agreement-hand-over-2026-12";

  /**
   * Each customer's periods close at a stable offset (a hash of the workflow id) inside the
   * subscription's close spread after the grace, instead of every customer at the period's end plus
   * grace: the close timer and everything after it move by that offset.
   */
  public static final String CLOSE_SPREAD = "close-spread-2026-12";

  private WorkflowChanges() {}
}
