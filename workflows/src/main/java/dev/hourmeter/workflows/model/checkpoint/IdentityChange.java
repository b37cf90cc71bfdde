package dev.hourmeter.workflows.model.checkpoint;

import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Instant;

/**
 * One migration of a customer workflow to another identity (a legacy {@code CustomerIdentifier} to
 * {@code CustomerAWSAccountId} + {@code LicenseArn}), kept in the checkpoint and shown in {@code
 * status}. Records of periods from {@code effectiveFrom} on carry {@code to}; periods before it
 * were already submitted (sealed) and keep the identity they were sent with, including their
 * receipt checks and re-sends.
 *
 * @param from the identity records carried before
 * @param to the identity records carry from {@code effectiveFrom} on
 * @param migratedAt when the workflow accepted the migration
 * @param effectiveFrom the start of the first period not yet submitted at {@code migratedAt}
 */
public record IdentityChange(
    CustomerId from, CustomerId to, Instant migratedAt, Instant effectiveFrom) {}
