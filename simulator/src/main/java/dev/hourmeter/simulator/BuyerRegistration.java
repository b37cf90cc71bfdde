package dev.hourmeter.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A buyer's browser after accepting an offer: AWS Marketplace's page posts the registration token
 * to the seller's fulfillment URL as a form ({@code x-amzn-marketplace-token}). Redirects are not
 * followed: the answer (a 303 to the seller's landing page, usually) is returned as it came.
 */
public final class BuyerRegistration {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** What the fulfillment URL answered: its status, {@code Location} (or null) and body. */
  public record Answer(int status, String location, String body) {}

  private BuyerRegistration() {}

  /**
   * Posts {@code token} to {@code fulfillmentUrl}.
   *
   * @throws IllegalArgumentException when the URL is not an absolute http(s) URL
   * @throws IOException when the fulfillment URL cannot be reached
   */
  public static Answer post(URI fulfillmentUrl, String token)
      throws IOException, InterruptedException {
    String scheme = fulfillmentUrl.getScheme();
    if (!fulfillmentUrl.isAbsolute()
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException(
          "register: an absolute http(s) URL is required, got '" + fulfillmentUrl + "'");
    }
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(fulfillmentUrl)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "x-amzn-marketplace-token="
                            + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("Location").orElse(null),
        response.body());
  }
}
