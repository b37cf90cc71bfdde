package dev.hourmeter.activities.aws;

import dev.hourmeter.activities.testing.CapturingServer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test fixture: recomputes the AWS Signature Version 4 of a captured request from the bytes the
 * server received and the known secret key, as AWS does (for requests without a query string).
 */
final class SigV4Check {

  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential=[^/]+/([^/]+)/([^/]+)/([^/]+)/aws4_request,"
              + " ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)");

  private SigV4Check() {}

  /** Whether the request's Authorization signature matches its method, path, headers and body. */
  static boolean valid(CapturingServer.Captured request, String secretKey) {
    Matcher m = AUTHORIZATION.matcher(request.header("Authorization"));
    if (!m.matches()) {
      throw new AssertionError(
          "not a SigV4 Authorization header: " + request.header("Authorization"));
    }
    String date = m.group(1);
    String region = m.group(2);
    String service = m.group(3);
    String signedHeaders = m.group(4);
    StringBuilder canonical = new StringBuilder();
    canonical.append(request.method()).append('\n').append(request.path()).append("\n\n");
    for (String name : signedHeaders.split(";")) {
      String value = request.header(name);
      canonical
          .append(name)
          .append(':')
          .append(value == null ? "" : value.trim().replaceAll(" +", " "))
          .append('\n');
    }
    canonical.append('\n').append(signedHeaders).append('\n').append(hex(sha256(request.body())));
    String scope = date + "/" + region + "/" + service + "/aws4_request";
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + request.header("X-Amz-Date")
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    return hex(hmac(key, stringToSign)).equals(m.group(5));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
