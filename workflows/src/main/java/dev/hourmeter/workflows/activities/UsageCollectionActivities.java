package dev.hourmeter.workflows.activities;

import dev.hourmeter.workflows.model.activity.CollectedUsage;
import dev.hourmeter.workflows.model.activity.UsageQuery;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Pulls a period's usage from the worker's configured {@code UsageSource}. */
@ActivityInterface
public interface UsageCollectionActivities {

  @ActivityMethod(name = "CollectUsage")
  CollectedUsage collectUsage(UsageQuery query);
}
