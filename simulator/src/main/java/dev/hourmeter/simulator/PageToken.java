package dev.hourmeter.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/** Opaque pagination tokens bound to the request parameters they were issued for. */
final class PageToken {

  private static final String VERSION = "v1";

  private PageToken() {}

  /** A short digest of the parameters a token must be reused with (nulls allowed). */
  static String fingerprint(Object... parts) {
    StringBuilder sb = new StringBuilder();
    for (Object part : parts) {
      sb.append(part).append('\u0000');
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String encode(String fingerprint, String position) {
    String raw = VERSION + "|" + fingerprint + "|" + position;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position encoded in {@code token}, or empty if it is garbage or was issued for other
   * parameters.
   */
  static Optional<String> decode(String token, String fingerprint) {
    String raw;
    try {
      raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    String[] parts = raw.split("\\|", 3);
    if (parts.length != 3 || !VERSION.equals(parts[0]) || !parts[1].equals(fingerprint)) {
      return Optional.empty();
    }
    return Optional.of(parts[2]);
  }
}
