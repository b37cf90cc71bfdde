package dev.hourmeter.workflows.model;

import java.time.Instant;

/** A report id seen at {@code seenAt}, remembered for deduplication across continue-as-new. */
public record RememberedReport(String id, Instant seenAt) {}
