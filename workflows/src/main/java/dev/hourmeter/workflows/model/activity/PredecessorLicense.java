package dev.hourmeter.workflows.model.activity;

import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Instant;

/**
 * A license this customer took over (a renewal or replacement): pulled usage the source still names
 * it with, dated from {@code from} (the hand-over) on, is this customer's.
 */
public record PredecessorLicense(CustomerId customer, Instant from) {}
