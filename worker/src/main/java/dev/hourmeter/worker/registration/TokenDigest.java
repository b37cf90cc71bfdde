package dev.hourmeter.worker.registration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a registration token appears in logs: never whole (it is a bearer credential for 4 hours),
 * only as the first 12 hex digits of its SHA-256, enough to match two log lines about one token.
 */
final class TokenDigest {

  private TokenDigest() {}

  static String of(String token) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
