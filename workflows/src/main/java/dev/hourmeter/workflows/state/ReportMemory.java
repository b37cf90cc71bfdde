package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.checkpoint.RememberedReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Report ids already applied, for idempotent delivery, each with a fingerprint of its content. Only
 * ids older than the dedup horizon are forgotten (usage older than the horizon is refused anyway):
 * an id inside the horizon is never dropped early. When {@code capacity} ids inside the horizon are
 * remembered, a new id is refused ({@link Admission#FULL}) until older ones leave the horizon. Long
 * ids are kept as a fingerprint ({@link UsageJson#storedId}). Carried across continue-as-new.
 */
public final class ReportMemory {

  /** What a report id means to the memory. */
  public enum Admission {
    NEW,
    /** Seen before with the same content (or content unknown): a no-op. */
    DUPLICATE,
    /** Seen before with different content. */
    CONFLICT,
    /** Not seen, and the memory is full inside the horizon. */
    FULL
  }

  private record Seen(Instant at, String contentHash) {}

  private final int capacity;
  private final LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();

  /** Restores a checkpoint. Only when the capacity was lowered since is the oldest part dropped. */
  public ReportMemory(int capacity, List<RememberedReport> remembered) {
    this.capacity = capacity;
    remembered.forEach(r -> seen.put(r.id(), new Seen(r.seenAt(), r.contentHash())));
    Iterator<String> oldest = seen.keySet().iterator();
    while (seen.size() > capacity && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }

  /** Read-only (update validators call it): what applying this id now would mean. */
  public Admission admission(String id, String contentHash, Instant horizon) {
    Seen before = seen.get(UsageJson.storedId(id));
    if (before != null && !before.at().isBefore(horizon)) {
      return before.contentHash() == null || before.contentHash().equals(contentHash)
          ? Admission.DUPLICATE
          : Admission.CONFLICT;
    }
    return liveCount(horizon) >= capacity ? Admission.FULL : Admission.NEW;
  }

  public boolean contains(String id) {
    return seen.containsKey(UsageJson.storedId(id));
  }

  public void remember(String id, String contentHash, Instant at, Instant horizon) {
    forgetBefore(horizon);
    seen.put(UsageJson.storedId(id), new Seen(at, contentHash));
  }

  public void forgetBefore(Instant horizon) {
    Iterator<Map.Entry<String, Seen>> it = seen.entrySet().iterator();
    while (it.hasNext() && it.next().getValue().at().isBefore(horizon)) {
      it.remove();
    }
  }

  public int size() {
    return seen.size();
  }

  public int capacity() {
    return capacity;
  }

  public List<RememberedReport> snapshot() {
    List<RememberedReport> result = new ArrayList<>(seen.size());
    seen.forEach((id, s) -> result.add(new RememberedReport(id, s.at(), s.contentHash())));
    return result;
  }

  /** Ids still inside the horizon (insertion order is arrival order, oldest first). */
  private int liveCount(Instant horizon) {
    int expired = 0;
    for (Seen s : seen.values()) {
      if (!s.at().isBefore(horizon)) {
        break;
      }
      expired++;
    }
    return seen.size() - expired;
  }
}
