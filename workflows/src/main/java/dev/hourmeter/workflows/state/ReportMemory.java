package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.RememberedReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Report ids already applied, for idempotent delivery. Bounded twice: ids older than the dedup
 * horizon are forgotten (usage older than the horizon is rejected anyway), and at most {@code
 * capacity} ids are kept, oldest forgotten first. Carried across continue-as-new.
 */
public final class ReportMemory {

  private final int capacity;
  private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();

  public ReportMemory(int capacity, List<RememberedReport> remembered) {
    this.capacity = capacity;
    remembered.forEach(r -> seen.put(r.id(), r.seenAt()));
    trim(Instant.MIN);
  }

  public boolean contains(String id) {
    return seen.containsKey(id);
  }

  public void remember(String id, Instant at, Instant horizon) {
    seen.put(id, at);
    trim(horizon);
  }

  public void forgetBefore(Instant horizon) {
    trim(horizon);
  }

  public int size() {
    return seen.size();
  }

  public List<RememberedReport> snapshot() {
    List<RememberedReport> result = new ArrayList<>(seen.size());
    seen.forEach((id, at) -> result.add(new RememberedReport(id, at)));
    return result;
  }

  private void trim(Instant horizon) {
    Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Instant> oldest = it.next();
      if (seen.size() > capacity || oldest.getValue().isBefore(horizon)) {
        it.remove();
      } else {
        break;
      }
    }
  }
}
