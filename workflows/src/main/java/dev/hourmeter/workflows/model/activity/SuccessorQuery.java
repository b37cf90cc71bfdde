package dev.hourmeter.workflows.model.activity;

import java.time.Instant;

/**
 * Find the agreement that took over a renewed or replaced one: the running customer workflow of the
 * same product and acceptor account, on another license, started from {@code endedAt} less the
 * match window on, and not already the successor of another license.
 *
 * @param productCode the product
 * @param customerAwsAccountId the acceptor account
 * @param licenseArn the ended license (excluded)
 * @param workflowId the ended license's workflow (excluded)
 * @param endedAt when the agreement ended
 */
public record SuccessorQuery(
    String productCode,
    String customerAwsAccountId,
    String licenseArn,
    String workflowId,
    Instant endedAt) {}
