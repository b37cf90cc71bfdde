package dev.hourmeter.workflows.state;

import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;

/**
 * The one deterministic order of tag sets (canonical, sorted maps): tag by tag, key then value, a
 * shorter set before a longer one it starts. Used wherever tag sets are kept or planned, so that
 * allocations, folds and splits come out the same on every replay.
 */
final class TagOrder {

  static final Comparator<Map<String, String>> TAG_SETS = TagOrder::compare;

  private TagOrder() {}

  private static int compare(Map<String, String> a, Map<String, String> b) {
    Iterator<Map.Entry<String, String>> left = a.entrySet().iterator();
    Iterator<Map.Entry<String, String>> right = b.entrySet().iterator();
    while (left.hasNext() && right.hasNext()) {
      Map.Entry<String, String> l = left.next();
      Map.Entry<String, String> r = right.next();
      int byKey = l.getKey().compareTo(r.getKey());
      if (byKey != 0) {
        return byKey;
      }
      int byValue = l.getValue().compareTo(r.getValue());
      if (byValue != 0) {
        return byValue;
      }
    }
    return Boolean.compare(left.hasNext(), right.hasNext());
  }

  /** The bytes a tag set is counted for in the tag memory (its characters plus JSON overhead). */
  static int weight(Map<String, String> tags) {
    int weight = 48; // period, dimension, quantity, braces
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      weight += tag.getKey().length() + tag.getValue().length() + 8;
    }
    return weight;
  }
}
