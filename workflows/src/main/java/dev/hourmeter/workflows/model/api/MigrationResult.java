package dev.hourmeter.workflows.model.api;

import java.time.Instant;

/**
 * What the {@code migrateIdentity} update answers: {@link #MIGRATED} (records of periods from
 * {@code effectiveFrom} on carry the new identity) or {@link #ALREADY_MIGRATED} (the workflow
 * already meters under that identity; nothing changed, {@code effectiveFrom} is when it took
 * effect, null for a workflow started with it).
 */
public record MigrationResult(String outcome, String workflowId, Instant effectiveFrom) {

  public static final String MIGRATED = "MIGRATED";
  public static final String ALREADY_MIGRATED = "ALREADY_MIGRATED";

  public boolean alreadyMigrated() {
    return ALREADY_MIGRATED.equals(outcome);
  }
}
