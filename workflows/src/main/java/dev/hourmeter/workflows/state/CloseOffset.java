package dev.hourmeter.workflows.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * Where in the close spread a customer's periods close: a stable offset in {@code [0, spread)},
 * from a SHA-256 hash of the workflow id. The same id and spread give the same offset in every run,
 * on every worker and JVM (so replay and continue-as-new keep it); different ids spread uniformly
 * over the spread, whatever their pattern (sequential customer numbers included). Whole seconds
 * when the spread is at least a minute (readable in the Web UI), milliseconds below.
 */
public final class CloseOffset {

  private CloseOffset() {}

  /** The offset of {@code workflowId} in {@code spread} (zero for a zero spread). */
  public static Duration of(String workflowId, Duration spread) {
    if (spread.isNegative()) {
      throw new IllegalArgumentException("spread: must not be negative, got " + spread);
    }
    Duration step = spread.compareTo(Duration.ofMinutes(1)) >= 0 ? Duration.ofSeconds(1) : null;
    long steps = step == null ? spread.toMillis() : spread.toSeconds();
    // floor(hash / 2^64 * steps): the hash's 64 leading bits as an unsigned fraction of the range.
    long index = Math.unsignedMultiplyHigh(leading64Bits(workflowId), steps);
    return step == null ? Duration.ofMillis(index) : Duration.ofSeconds(index);
  }

  private static long leading64Bits(String workflowId) {
    byte[] digest = sha256().digest(workflowId.getBytes(StandardCharsets.UTF_8));
    long bits = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      bits = (bits << 8) | (digest[i] & 0xff);
    }
    return bits;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
