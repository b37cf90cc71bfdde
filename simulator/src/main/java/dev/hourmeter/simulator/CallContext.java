package dev.hourmeter.simulator;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who called and how: what CloudTrail records about a request.
 *
 * @param requestId returned as {@code x-amzn-RequestId} and recorded as CloudTrail's requestID
 * @param accessKeyId from the SigV4 {@code Authorization} credential scope
 * @param region from the SigV4 credential scope, else the configured region
 * @param receivedAt real wall-clock time of receipt
 */
record CallContext(
    String requestId,
    String sourceIp,
    String userAgent,
    String accessKeyId,
    String region,
    Instant receivedAt) {

  static final String UNKNOWN_ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";

  private static final Pattern CREDENTIAL =
      Pattern.compile("Credential=([^/,\\s]+)/[^/]+/([^/]+)/[^/]+/aws4_request");

  static CallContext of(
      String requestId,
      String sourceIp,
      String userAgent,
      String authorization,
      String defaultRegion,
      Instant receivedAt) {
    String accessKeyId = UNKNOWN_ACCESS_KEY;
    String region = defaultRegion;
    if (authorization != null) {
      Matcher m = CREDENTIAL.matcher(authorization);
      if (m.find()) {
        accessKeyId = m.group(1);
        region = m.group(2);
      }
    }
    return new CallContext(
        requestId, sourceIp, userAgent == null ? "" : userAgent, accessKeyId, region, receivedAt);
  }
}
