package dev.hourmeter.simulator;

import java.time.Instant;

/**
 * One billed usage record: what AWS would charge. Entries appear in acceptance order.
 *
 * @param timestamp the record's timestamp as sent (not floored to the period)
 * @param acceptedAt simulator-clock time at which it was accepted
 */
public record LedgerEntry(
    String productCode,
    CustomerId customer,
    String dimension,
    Instant timestamp,
    long quantity,
    String meteringRecordId,
    Instant acceptedAt) {}
