package dev.hourmeter.workflows.model.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * AWS's rules for the tags of a usage allocation (vendor-metered tagging): at most {@value
 * #MAX_TAGS} tags, keys of 1..{@value #MAX_KEY_LENGTH} and values of 1..{@value #MAX_VALUE_LENGTH}
 * characters matching {@code ^[a-zA-Z0-9+ -=._:\/@]+$}. One checker for every way usage enters
 * (signal, update, CLI, JSON-lines source) and for the simulator, so they refuse the same tags with
 * the same message, which names the tag.
 */
public final class UsageTags {

  public static final int MAX_TAGS = 5;
  public static final int MAX_KEY_LENGTH = 100;
  public static final int MAX_VALUE_LENGTH = 256;

  /** AWS's {@code TagKey}/{@code TagValue} pattern (the range {@code " -="} is intended). */
  public static final Pattern CHARACTERS = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");

  private UsageTags() {}

  /** A sorted copy (the canonical order of a tag set); null gives an empty map. */
  public static Map<String, String> canonical(Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return Map.of();
    }
    return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
  }

  /** Every problem of a tag set, each starting with {@code field} and naming the tag. */
  public static List<String> problems(Map<String, String> tags, String field) {
    List<String> problems = new ArrayList<>();
    if (tags == null) {
      return problems;
    }
    if (tags.size() > MAX_TAGS) {
      problems.add(field + ": at most " + MAX_TAGS + " tags, got " + tags.size());
    }
    new TreeMap<>(tags).forEach((k, v) -> problems.addAll(problems(k, v, field)));
    return problems;
  }

  /** The problems of one tag, naming it. */
  public static List<String> problems(String key, String value, String field) {
    List<String> problems = new ArrayList<>();
    String name = field + "." + shown(key);
    if (key == null || key.isEmpty()) {
      problems.add(field + ": a tag key is empty (1.." + MAX_KEY_LENGTH + " characters)");
    } else if (key.length() > MAX_KEY_LENGTH) {
      problems.add(
          name + ": key must be at most " + MAX_KEY_LENGTH + " characters, got " + key.length());
    } else if (!CHARACTERS.matcher(key).matches()) {
      problems.add(name + ": key has a character outside " + CHARACTERS.pattern());
    }
    if (value == null || value.isEmpty()) {
      problems.add(name + ": value must be 1.." + MAX_VALUE_LENGTH + " characters, got none");
    } else if (value.length() > MAX_VALUE_LENGTH) {
      problems.add(
          name
              + ": value must be at most "
              + MAX_VALUE_LENGTH
              + " characters, got "
              + value.length());
    } else if (!CHARACTERS.matcher(value).matches()) {
      problems.add(
          name + ": value '" + shown(value) + "' has a character outside " + CHARACTERS.pattern());
    }
    return problems;
  }

  /** The tags as {@code k=v,k2=v2} (sorted) for logs and tables; {@code -} when untagged. */
  public static String text(Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return "-";
    }
    StringBuilder text = new StringBuilder();
    new TreeMap<>(tags)
        .forEach((k, v) -> text.append(text.isEmpty() ? "" : ",").append(k).append('=').append(v));
    return text.toString();
  }

  private static String shown(String text) {
    if (text == null) {
      return "null";
    }
    return text.length() <= 64 ? text : text.substring(0, 64) + "...(" + text.length() + " chars)";
  }
}
