package dev.hourmeter.worker.registration;

import java.net.URI;
import java.util.Objects;

/**
 * The registration endpoint (the seller's fulfillment URL).
 *
 * @param enabled off by default; on in {@code dev}
 * @param bindAddress where it listens (127.0.0.1 by default: put a TLS proxy in front)
 * @param port its port (0: any free one)
 * @param landingUrl where the buyer's browser is sent after registering (303, with {@code product},
 *     {@code account} and {@code license} query parameters); null for the endpoint's own page
 */
public record RegistrationSettings(boolean enabled, String bindAddress, int port, URI landingUrl) {

  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  public static final int DEFAULT_PORT = 8088;

  public RegistrationSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
  }
}
