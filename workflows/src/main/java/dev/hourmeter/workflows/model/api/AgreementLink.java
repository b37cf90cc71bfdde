package dev.hourmeter.workflows.model.api;

import java.time.Instant;

/**
 * One side of a hand-over between two licenses of a customer (a renewal or replacement): the other
 * license's workflow, its LicenseArn and when the successor took over.
 *
 * @param workflowId the other license's customer workflow
 * @param licenseArn the other license
 * @param handedOverAt the hand-over time (the ended agreement's end)
 */
public record AgreementLink(String workflowId, String licenseArn, Instant handedOverAt) {}
