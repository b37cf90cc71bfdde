package dev.hourmeter.workflows.model.activity;

import java.time.Instant;

/**
 * A record AWS accepted, to look for in CloudTrail: matched by MeteringRecordId when present, else
 * by key.
 */
public record SentRecord(MeteringRecord record, String meteringRecordId, Instant sentAt) {}
