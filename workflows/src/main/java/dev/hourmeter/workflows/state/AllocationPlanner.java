package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.Quantities;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The arithmetic of usage allocations, exact and deterministic. A dimension's usage is a list of
 * <em>parts</em> in one fixed order: the untagged part first, then the tag sets in {@link
 * TagOrder}. Whatever takes only some of the usage takes it in that order: a contract's entitled
 * quantity is used up by the untagged part first, then by the tag sets in order, so the billed
 * excess falls on the last parts; a record capped at AWS's maximum takes the first parts and the
 * rest waits as the over-maximum remainder, keeping its tags. A record gets at most {@value
 * #MAX_ALLOCATIONS} allocations and about {@value #MAX_TAG_BYTES} bytes of tags; beyond that, the
 * smallest tag sets (ties: the later in {@link TagOrder}) are folded into the untagged allocation:
 * the quantity is never dropped, only its tags, and the record says how many sets were folded.
 */
public final class AllocationPlanner {

  /** AWS's maximum number of allocations in one record. */
  public static final int MAX_ALLOCATIONS = 2500;

  /** The most tag bytes of one record, so that a batch of records stays below AWS's 1 MB. */
  public static final int MAX_TAG_BYTES = 200_000;

  /** A record's allocations (empty: send it plain) and how many tag sets were folded. */
  public record Allocations(List<UsageAllocation> allocations, int foldedTagSets) {}

  /** The first {@code amount} of some parts, and the rest, both in the parts' order. */
  public record Split(List<UsageAllocation> first, List<UsageAllocation> rest) {}

  private AllocationPlanner() {}

  /** The parts of {@code total}: the untagged remainder first, then the tagged parts in order. */
  public static List<UsageAllocation> parts(BigDecimal total, List<UsageAllocation> tagged) {
    BigDecimal taggedSum = sum(tagged);
    List<UsageAllocation> parts = new ArrayList<>();
    parts.add(new UsageAllocation(Quantities.add(total, taggedSum.negate()), Map.of()));
    tagged.stream()
        .sorted(Comparator.comparing(UsageAllocation::tags, TagOrder.TAG_SETS))
        .forEach(parts::add);
    return merge(parts, List.of());
  }

  /** Both lists' parts, summed per tag set, in the parts' order. */
  public static List<UsageAllocation> merge(List<UsageAllocation> a, List<UsageAllocation> b) {
    TreeMap<Map<String, String>, BigDecimal> sets = new TreeMap<>(TagOrder.TAG_SETS);
    a.forEach(p -> sets.merge(p.tags(), p.quantity(), Quantities::add));
    b.forEach(p -> sets.merge(p.tags(), p.quantity(), Quantities::add));
    List<UsageAllocation> merged = new ArrayList<>();
    sets.forEach((tags, q) -> merged.add(new UsageAllocation(q, tags)));
    return merged; // the empty tag set sorts first
  }

  /** Takes {@code amount} from the parts in order. */
  public static Split split(List<UsageAllocation> parts, BigDecimal amount) {
    List<UsageAllocation> first = new ArrayList<>();
    List<UsageAllocation> rest = new ArrayList<>();
    BigDecimal left = amount.max(BigDecimal.ZERO);
    for (UsageAllocation part : parts) {
      BigDecimal taken = part.quantity().min(left);
      left = Quantities.add(left, taken.negate());
      if (taken.signum() > 0) {
        first.add(new UsageAllocation(taken, part.tags()));
      }
      BigDecimal remaining = Quantities.add(part.quantity(), taken.negate());
      if (remaining.signum() > 0) {
        rest.add(new UsageAllocation(remaining, part.tags()));
      }
    }
    return new Split(first, rest);
  }

  /**
   * A record's allocations from its parts: none when no tagged part has usage (a plain record),
   * else every part with usage, the smallest tag sets folded into the untagged allocation beyond
   * AWS's count or the byte budget.
   */
  public static Allocations forRecord(List<UsageAllocation> parts) {
    List<UsageAllocation> tagged =
        parts.stream().filter(p -> p.tagged() && p.quantity().signum() > 0).toList();
    if (tagged.isEmpty()) {
      return new Allocations(List.of(), 0);
    }
    List<UsageAllocation> largestFirst =
        tagged.stream()
            .sorted(
                Comparator.comparing(UsageAllocation::quantity)
                    .reversed()
                    .thenComparing(UsageAllocation::tags, TagOrder.TAG_SETS))
            .toList();
    List<UsageAllocation> kept = new ArrayList<>();
    BigDecimal folded = BigDecimal.ZERO;
    int foldedSets = 0;
    int bytes = 0;
    for (UsageAllocation part : largestFirst) {
      int weight = TagOrder.weight(part.tags());
      // One place stays free for the untagged allocation a fold creates.
      if (kept.size() < MAX_ALLOCATIONS - 1 && bytes + weight <= MAX_TAG_BYTES) {
        kept.add(part);
        bytes += weight;
      } else {
        folded = Quantities.add(folded, part.quantity());
        foldedSets++;
      }
    }
    BigDecimal untagged =
        Quantities.add(
            folded,
            parts.stream()
                .filter(p -> !p.tagged())
                .map(UsageAllocation::quantity)
                .reduce(BigDecimal.ZERO, Quantities::add));
    List<UsageAllocation> allocations = new ArrayList<>();
    if (untagged.signum() > 0) {
      allocations.add(new UsageAllocation(untagged, Map.of()));
    }
    kept.stream()
        .sorted(Comparator.comparing(UsageAllocation::tags, TagOrder.TAG_SETS))
        .forEach(allocations::add);
    return new Allocations(List.copyOf(allocations), foldedSets);
  }

  static BigDecimal sum(List<UsageAllocation> parts) {
    return parts.stream().map(UsageAllocation::quantity).reduce(BigDecimal.ZERO, Quantities::add);
  }
}
