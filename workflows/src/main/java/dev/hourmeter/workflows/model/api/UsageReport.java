package dev.hourmeter.workflows.model.api;

import java.util.List;

/**
 * Usage pushed into a customer workflow, by the {@code recordUsage} signal or the validating {@code
 * reportUsage} update. {@code id} makes delivery idempotent: a report id seen before is ignored.
 * JSON: {@code {"id": "r-1", "usage": [{"dimension": "requests", "quantity": 5, "timestamp":
 * "..."}]}}.
 */
public record UsageReport(String id, List<UsageEntry> usage) {

  public UsageReport {
    usage = usage == null ? List.of() : List.copyOf(usage);
  }
}
