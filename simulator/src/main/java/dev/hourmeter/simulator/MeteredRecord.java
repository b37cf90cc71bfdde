package dev.hourmeter.simulator;

/**
 * A processed usage record: its outcome status and MeteringRecordId (null for
 * CustomerNotSubscribed).
 */
record MeteredRecord(UsageRecordInput record, String status, String meteringRecordId) {}
