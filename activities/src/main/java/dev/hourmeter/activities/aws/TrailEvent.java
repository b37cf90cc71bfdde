package dev.hourmeter.activities.aws;

import java.time.Instant;

/**
 * One CloudTrail LookupEvents result; {@code cloudTrailEvent} is the full event as a JSON string.
 */
public record TrailEvent(
    String eventId,
    String eventName,
    String eventSource,
    Instant eventTime,
    String cloudTrailEvent) {}
