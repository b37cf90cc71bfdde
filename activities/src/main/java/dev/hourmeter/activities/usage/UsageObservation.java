package dev.hourmeter.activities.usage;

import java.time.Instant;

/**
 * One usage entry a source reported: {@code quantity} units of {@code dimension} at {@code
 * timestamp}.
 */
public record UsageObservation(
    String productCode, String customer, String dimension, long quantity, Instant timestamp) {}
