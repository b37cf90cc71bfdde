package dev.hourmeter.simulator;

import java.util.ArrayList;
import java.util.List;

/** Append-only log of the AWS API requests received. Thread-safe. */
final class RequestLog {

  private final List<RequestLogEntry> entries = new ArrayList<>();

  synchronized void add(RequestLogEntry entry) {
    entries.add(entry);
  }

  synchronized List<RequestLogEntry> snapshot() {
    return List.copyOf(entries);
  }

  synchronized void clear() {
    entries.clear();
  }
}
