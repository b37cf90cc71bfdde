package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.checkpoint.TaggedUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tagged parts of the usage in a {@link UsageBook}, per period, dimension and tag set (the
 * book's totals include them; what they do not cover is untagged). Bounded: beyond {@link
 * #MAX_BYTES} of distinct tag sets kept, usage with a new tag set is kept untagged ({@link #add}
 * says so), never dropped, so the checkpoint stays within its budget. Iteration is sorted, so every
 * replay sees the same order.
 */
final class TagBook {

  /** The most bytes of tag sets kept for pending usage (the checkpoint budget is 1 MB). */
  static final int MAX_BYTES = 300_000;

  private final TreeMap<Instant, TreeMap<String, TreeMap<Map<String, String>, BigDecimal>>>
      pending = new TreeMap<>();
  private final TreeMap<String, TreeMap<Map<String, String>, BigDecimal>> overflow =
      new TreeMap<>();
  private int bytes;

  static TagBook restore(List<TaggedUsage> pending, List<TaggedUsage> overflow) {
    TagBook book = new TagBook();
    pending.forEach(t -> book.merge(t.periodStart(), t.dimension(), t.tags(), t.quantity()));
    overflow.forEach(t -> book.mergeInto(book.overflow, t.dimension(), t.tags(), t.quantity()));
    return book;
  }

  /**
   * Adds tagged usage to {@code period}; false (nothing added: the usage stays untagged) when the
   * tag set is new and the memory is full.
   */
  boolean add(Instant period, String dimension, Map<String, String> tags, BigDecimal quantity) {
    if (tags.isEmpty()) {
      return false;
    }
    TreeMap<Map<String, String>, BigDecimal> sets = setsOf(period, dimension);
    if (!sets.containsKey(tags) && bytes + TagOrder.weight(tags) > MAX_BYTES) {
      return false;
    }
    merge(period, dimension, tags, quantity);
    return true;
  }

  /** Takes (and removes) a period's tagged parts, per dimension. */
  Map<String, List<UsageAllocation>> take(Instant period) {
    TreeMap<String, TreeMap<Map<String, String>, BigDecimal>> taken = pending.remove(period);
    Map<String, List<UsageAllocation>> parts = new TreeMap<>();
    if (taken != null) {
      taken.forEach(
          (dimension, sets) -> {
            parts.put(dimension, allocations(sets));
            sets.keySet().forEach(tags -> bytes -= TagOrder.weight(tags));
          });
    }
    return parts;
  }

  /** Adds tagged parts to {@code period} (moved there; the memory bound does not refuse them). */
  void addAll(Instant period, String dimension, List<UsageAllocation> parts) {
    parts.stream()
        .filter(UsageAllocation::tagged)
        .forEach(a -> merge(period, dimension, a.tags(), a.quantity()));
  }

  void addOverflow(String dimension, List<UsageAllocation> parts) {
    parts.stream()
        .filter(UsageAllocation::tagged)
        .forEach(a -> mergeInto(overflow, dimension, a.tags(), a.quantity()));
  }

  Map<String, List<UsageAllocation>> takeOverflow() {
    Map<String, List<UsageAllocation>> taken = new TreeMap<>();
    overflow.forEach((dimension, sets) -> taken.put(dimension, allocations(sets)));
    overflow.clear();
    return taken;
  }

  List<TaggedUsage> pendingSnapshot() {
    List<TaggedUsage> all = new ArrayList<>();
    pending.forEach(
        (period, dims) ->
            dims.forEach(
                (dimension, sets) ->
                    sets.forEach(
                        (tags, q) -> all.add(new TaggedUsage(period, dimension, tags, q)))));
    return all;
  }

  List<TaggedUsage> overflowSnapshot() {
    List<TaggedUsage> all = new ArrayList<>();
    overflow.forEach(
        (dimension, sets) ->
            sets.forEach((tags, q) -> all.add(new TaggedUsage(null, dimension, tags, q))));
    return all;
  }

  private void merge(
      Instant period, String dimension, Map<String, String> tags, BigDecimal quantity) {
    TreeMap<Map<String, String>, BigDecimal> sets = setsOf(period, dimension);
    if (!sets.containsKey(tags)) {
      bytes += TagOrder.weight(tags);
    }
    sets.merge(tags, quantity, Quantities::add);
  }

  private void mergeInto(
      TreeMap<String, TreeMap<Map<String, String>, BigDecimal>> target,
      String dimension,
      Map<String, String> tags,
      BigDecimal quantity) {
    target
        .computeIfAbsent(dimension, d -> new TreeMap<>(TagOrder.TAG_SETS))
        .merge(tags, quantity, Quantities::add);
  }

  private TreeMap<Map<String, String>, BigDecimal> setsOf(Instant period, String dimension) {
    return pending
        .computeIfAbsent(period, p -> new TreeMap<>())
        .computeIfAbsent(dimension, d -> new TreeMap<>(TagOrder.TAG_SETS));
  }

  private static List<UsageAllocation> allocations(TreeMap<Map<String, String>, BigDecimal> sets) {
    List<UsageAllocation> parts = new ArrayList<>();
    sets.forEach((tags, q) -> parts.add(new UsageAllocation(q, tags)));
    return parts;
  }
}
