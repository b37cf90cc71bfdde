package dev.hourmeter.workflows.activities;

import dev.hourmeter.workflows.model.activity.SuccessorQuery;
import dev.hourmeter.workflows.model.api.AgreementLink;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Finds the license that took over a renewed or replaced agreement (by Temporal visibility). */
@ActivityInterface
public interface AgreementSuccessionActivities {

  /**
   * The successor's workflow and license; fails (retryably) while none is found, so the workflow's
   * retry policy keeps looking until its schedule-to-close timeout (the successor wait).
   */
  @ActivityMethod(name = "FindSuccessor")
  AgreementLink findSuccessor(SuccessorQuery query);
}
