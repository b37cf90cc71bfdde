package dev.hourmeter.workflows.model.api;

import java.time.Instant;

/**
 * A pushed usage report that was refused, kept so that a bad signal is visible instead of silently
 * lost.
 */
public record RejectedReport(String reportId, Instant receivedAt, String reason) {}
