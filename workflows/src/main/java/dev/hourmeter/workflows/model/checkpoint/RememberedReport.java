package dev.hourmeter.workflows.model.checkpoint;

import java.time.Instant;

/**
 * A report id seen at {@code seenAt}, remembered for deduplication across continue-as-new. {@code
 * contentHash} fingerprints the report's usage, so that a re-sent id with different content is
 * refused as a conflict; null for ids remembered before it existed (their re-sends count as plain
 * duplicates).
 */
public record RememberedReport(String id, Instant seenAt, String contentHash) {}
