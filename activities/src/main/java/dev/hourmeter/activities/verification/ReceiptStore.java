package dev.hourmeter.activities.verification;

import dev.hourmeter.activities.aws.TrailEvent;
import dev.hourmeter.activities.aws.TrailPage;
import dev.hourmeter.workflows.model.activity.ReceiptCheck;
import dev.hourmeter.workflows.model.activity.SentRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receipts of {@link CloudTrailReceiptIndex} and how a sent record is matched to one. Every
 * result with status {@code Success} of every indexed event is kept by {@code meteringRecordId} and
 * by {@link ReceiptKey} (product, customer id value, dimension, period timestamp to the second,
 * quantity), until {@link #evict} drops those whose event is older than the retention floor.
 * Thread-safe: reads are lock-free; the index writes under its refresh lock.
 */
final class ReceiptStore {

  private static final Logger log = LoggerFactory.getLogger(ReceiptStore.class);

  private record Hit(String eventId, Instant eventTime, String key) {}

  private final CloudTrailEventParser parser = new CloudTrailEventParser();
  private final Map<String, Hit> byId = new ConcurrentHashMap<>();
  private final Map<String, Hit> byKey = new ConcurrentHashMap<>();

  /**
   * One {@link ReceiptCheck} per record, in order: found when a {@code Success} result with the
   * record's {@code meteringRecordId} (if it has one; the event's key must then agree) or else its
   * key is indexed, with an event time not before {@code floor}.
   */
  List<ReceiptCheck> answer(String productCode, List<SentRecord> records, Instant floor) {
    List<ReceiptCheck> checks = new ArrayList<>(records.size());
    for (SentRecord sent : records) {
      String key = ReceiptKey.of(productCode, sent.record());
      String id = sent.meteringRecordId();
      Hit hit;
      if (id != null && !id.isBlank()) {
        hit = byId.get(id);
        if (hit != null && hit.key() != null && !hit.key().equals(key)) {
          log.warn(
              "CloudTrail event {} has MeteringRecordId {} for a different record than {}; not a receipt",
              hit.eventId(),
              id,
              sent.record().key());
          hit = null;
        }
      } else {
        hit = byKey.get(key);
      }
      if (hit != null && hit.eventTime().isBefore(floor)) {
        hit = null; // past the retention: evicted at the next refresh
      }
      checks.add(new ReceiptCheck(sent, hit != null, hit == null ? null : hit.eventId()));
    }
    return checks;
  }

  /**
   * Indexes the Success receipts of every event of {@code page}; returns the newest of {@code
   * highWater} and the page's event times.
   */
  Instant index(TrailPage page, Instant now, Instant highWater) {
    Instant newest = highWater;
    for (TrailEvent event : page.events()) {
      Instant t = index(event, now);
      if (t != null && (newest == null || t.isAfter(newest))) {
        newest = t;
      }
    }
    return newest;
  }

  /**
   * Indexes the Success receipts of one event (a receipt without an event time gets {@code now});
   * returns the event's time (for the high-water mark), or null.
   */
  private Instant index(TrailEvent event, Instant now) {
    List<TrailReceipt> receipts = parser.parse(event);
    Instant eventTime = event.eventTime();
    for (TrailReceipt r : receipts) {
      if (eventTime == null) {
        eventTime = r.eventTime();
      }
      if (!r.success()) {
        continue;
      }
      Instant t = r.eventTime() != null ? r.eventTime() : now;
      String key = r.key();
      Hit hit = new Hit(r.eventId(), t, key);
      if (r.meteringRecordId() != null) {
        byId.putIfAbsent(r.meteringRecordId(), hit);
      }
      if (key != null) {
        byKey.putIfAbsent(key, hit);
      }
    }
    return eventTime;
  }

  /** Drops receipts whose event is older than {@code floor}. */
  void evict(Instant floor) {
    byId.values().removeIf(h -> h.eventTime().isBefore(floor));
    byKey.values().removeIf(h -> h.eventTime().isBefore(floor));
  }

  /** Receipts indexed (by key). */
  int size() {
    return byKey.size();
  }
}
