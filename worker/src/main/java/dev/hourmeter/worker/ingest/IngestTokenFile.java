package dev.hourmeter.worker.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest API's tokens from a tokens file ({@code --ingest-tokens-file}), kept current while the
 * worker runs, so that a token is rotated without a restart: add the new one, move the senders
 * over, remove the old one. When a request asks for the tokens and {@link #CHECK_INTERVAL} has
 * passed since the last look, the file is read again (by one request; the others use the set they
 * have) and, when its content changed, parsed and put in place. A file that cannot be read, holds a
 * bad entry or no token at all keeps the last good set, with a warning naming the file (and the
 * entry), never a token; the warning is logged once per problem, not at every look. Tokens of other
 * sources ({@code HOURMETER_INGEST_TOKENS}, {@code dev}'s generated one) are accepted throughout.
 */
public final class IngestTokenFile implements IngestTokenSource {

  /** How often at most the file is looked at. */
  public static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(IngestTokenFile.class);

  private final Path file;
  private final IngestTokens others;
  private final ReentrantLock looking = new ReentrantLock();

  private volatile IngestTokens current;
  private volatile long nextLook;
  private IngestTokens fromFile;
  private byte[] lastGood;
  private byte[] lastSeen;
  private String problem;

  private IngestTokenFile(Path file, IngestTokens others, IngestTokens fromFile, byte[] read) {
    this.file = file;
    this.others = others;
    this.fromFile = fromFile;
    this.lastGood = read;
    this.lastSeen = read;
    this.current = IngestTokens.of(fromFile, others);
    this.nextLook = System.nanoTime() + CHECK_INTERVAL.toNanos();
  }

  /**
   * Reads {@code file}; {@code others} are the tokens of the other sources (may be empty).
   *
   * @throws IllegalArgumentException naming the flag and file when it cannot be read, or the entry
   *     that is bad
   */
  public static IngestTokenFile load(Path file, IngestTokens others) {
    Objects.requireNonNull(others, "others");
    byte[] read;
    try {
      read = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--ingest-tokens-file: cannot read " + file + ": " + e.getMessage(), e);
    }
    return new IngestTokenFile(file, others, parse(read, file), read);
  }

  @Override
  public IngestTokens current() {
    long now = System.nanoTime();
    if (now - nextLook >= 0 && looking.tryLock()) {
      try {
        if (now - nextLook >= 0) {
          nextLook = now + CHECK_INTERVAL.toNanos();
          look();
        }
      } finally {
        looking.unlock();
      }
    }
    return current;
  }

  /** Reads the file; puts its tokens in place when they changed and can be used. */
  private void look() {
    byte[] read;
    try {
      read = Files.readAllBytes(file);
    } catch (IOException e) {
      lastSeen = null;
      warn("cannot be read (" + e.getClass().getSimpleName() + ")");
      return;
    }
    if (Arrays.equals(read, lastSeen)) {
      return;
    }
    lastSeen = read;
    if (Arrays.equals(read, lastGood)) {
      if (problem != null) {
        problem = null;
        log.info("ingest tokens file {} holds the tokens in use again", file);
      }
      return;
    }
    IngestTokens parsed;
    try {
      parsed = parse(read, file);
    } catch (IllegalArgumentException e) {
      String detail = e.getMessage(); // "FILE entry N: ...", never the token
      if (detail.startsWith(file + " ")) {
        detail = detail.substring(file.toString().length() + 1);
      }
      warn("has a bad entry (" + detail + ")");
      return;
    }
    if (parsed.isEmpty()) {
      warn("holds no token");
      return;
    }
    int before = fromFile.size();
    fromFile = parsed;
    lastGood = read;
    current = IngestTokens.of(parsed, others);
    problem = null;
    log.info(
        "ingest tokens file {} changed: {} token(s) now (were {})", file, parsed.size(), before);
  }

  private void warn(String what) {
    if (!what.equals(problem)) {
      problem = what;
      log.warn(
          "ingest tokens file {} {}: keeping the {} token(s) read before",
          file,
          what,
          fromFile.size());
    }
  }

  private static IngestTokens parse(byte[] content, Path file) {
    return IngestTokens.parse(new String(content, StandardCharsets.UTF_8), file.toString());
  }

  @Override
  public String toString() {
    return current + " (" + file + " re-read when it changes)";
  }
}
