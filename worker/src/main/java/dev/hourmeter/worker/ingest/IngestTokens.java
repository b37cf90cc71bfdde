package dev.hourmeter.worker.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The bearer tokens of the HTTP ingest API: several at once, so that one can be rotated while the
 * next is already in use, each for every product or limited to some. Only their SHA-256 is kept; a
 * presented token is hashed and compared with every known one in constant time ({@link
 * MessageDigest#isEqual}), without stopping at a match. Never logged, and {@link #toString} shows
 * only how many there are.
 *
 * <p>Text form (a tokens file, or {@code HOURMETER_INGEST_TOKENS} with entries separated by {@code
 * ;}): one entry per line, {@code TOKEN} or {@code TOKEN products=P1,P2}; blank lines and lines
 * starting with {@code #} are ignored. A token has at least 16 characters and no whitespace.
 */
public final class IngestTokens implements IngestTokenSource {

  /** The shortest token accepted: shorter ones are guessable. */
  public static final int MIN_LENGTH = 16;

  private record Entry(byte[] digest, Set<String> products) {}

  /** Who a request is: a known token's products (null: all), or no known token. */
  public record Caller(boolean known, Set<String> products) {
    static final Caller UNKNOWN = new Caller(false, null);

    /** Whether this caller may report usage of {@code product}. */
    public boolean mayReport(String product) {
      return known && (products == null || products.contains(product));
    }
  }

  private final List<Entry> entries;

  private IngestTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads the entries of {@code text}; {@code source} names it in errors (never the token).
   *
   * @throws IllegalArgumentException naming the source and line of a bad entry
   */
  public static IngestTokens parse(String text, String source) {
    return new IngestTokens(entries(text, source));
  }

  /** Both sources together (either may be null). */
  public static IngestTokens of(IngestTokens a, IngestTokens b) {
    List<Entry> all = new ArrayList<>();
    if (a != null) {
      all.addAll(a.entries);
    }
    if (b != null) {
      all.addAll(b.entries);
    }
    return new IngestTokens(all);
  }

  private static List<Entry> entries(String text, String source) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\\R|;");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      String where = source + " entry " + (n + 1);
      if (parts[0].length() < MIN_LENGTH) {
        throw new IllegalArgumentException(
            where + ": a token must have at least " + MIN_LENGTH + " characters");
      }
      Set<String> products = null;
      if (parts.length > 2 || (parts.length == 2 && !parts[1].startsWith("products="))) {
        throw new IllegalArgumentException(where + ": expected TOKEN or TOKEN products=P1,P2");
      }
      if (parts.length == 2) {
        products = new LinkedHashSet<>();
        for (String product : parts[1].substring("products=".length()).split(",")) {
          if (!product.isBlank()) {
            products.add(product.strip());
          }
        }
        if (products.isEmpty()) {
          throw new IllegalArgumentException(where + ": products= names no product");
        }
        products = Set.copyOf(products);
      }
      entries.add(new Entry(digest(parts[0]), products));
    }
    return entries;
  }

  /** A fixed set: itself. */
  @Override
  public IngestTokens current() {
    return this;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /** The caller a presented token (null when none) identifies; compared in constant time. */
  public Caller identify(String presented) {
    if (presented == null || presented.isEmpty()) {
      return Caller.UNKNOWN;
    }
    byte[] digest = digest(presented);
    Entry match = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(digest, entry.digest()) && match == null) {
        match = entry;
      }
    }
    Arrays.fill(digest, (byte) 0);
    return match == null ? Caller.UNKNOWN : new Caller(true, match.products());
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return entries.size() + " token(s)";
  }
}
