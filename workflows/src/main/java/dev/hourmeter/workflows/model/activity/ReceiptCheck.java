package dev.hourmeter.workflows.model.activity;

/**
 * Whether CloudTrail shows one sent record as received: a BatchMeterUsage event with status Success
 * and the same product, customer, dimension, period timestamp and quantity. {@code eventId} names
 * the event found.
 */
public record ReceiptCheck(SentRecord sent, boolean found, String eventId) {}
