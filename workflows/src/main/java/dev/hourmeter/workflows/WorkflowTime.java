package dev.hourmeter.workflows;

import io.temporal.workflow.Workflow;
import java.time.Instant;

/** Workflow time (replay safe) as an {@link Instant}. */
final class WorkflowTime {

  private WorkflowTime() {}

  static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
