package dev.hourmeter.worker.registration;

import dev.hourmeter.client.SettingResolver;
import java.net.URI;
import picocli.CommandLine.Option;

/** Flags of the registration endpoint in {@code worker} and {@code dev} (a picocli mixin). */
public final class RegistrationOptions {

  public static final String ENV_REGISTRATION = "HOURMETER_REGISTRATION";
  public static final String ENV_BIND = "HOURMETER_REGISTRATION_BIND";
  public static final String ENV_PORT = "HOURMETER_REGISTRATION_PORT";
  public static final String ENV_LANDING_URL = "HOURMETER_REGISTRATION_LANDING_URL";

  @Option(
      names = "--registration",
      negatable = true,
      description =
          "Serve the registration (fulfillment) URL: a buyer's token is redeemed with"
              + " ResolveCustomer and the customer's workflow started (env "
              + ENV_REGISTRATION
              + "=true|false, default off in worker, on in dev; needs --product-catalog).")
  Boolean registration;

  @Option(
      names = "--registration-bind",
      paramLabel = "ADDRESS",
      description =
          "Address the registration endpoint listens on (env "
              + ENV_BIND
              + ", default 127.0.0.1; put a TLS proxy in front).")
  String bind;

  @Option(
      names = "--registration-port",
      paramLabel = "PORT",
      description = "Port of the registration endpoint (env " + ENV_PORT + ", default 8088).")
  String port;

  @Option(
      names = "--registration-landing-url",
      paramLabel = "URL",
      description =
          "Where a registered buyer's browser is sent, with product, account and license query"
              + " parameters (env "
              + ENV_LANDING_URL
              + ", default the endpoint's own /registered page).")
  String landingUrl;

  /** The settings; {@code enabledByDefault} is the command's default ({@code dev}: on). */
  public RegistrationSettings resolve(SettingResolver settings, boolean enabledByDefault) {
    boolean enabled =
        settings.bool("--registration", ENV_REGISTRATION, registration, enabledByDefault);
    String address =
        settings.string(
            "--registration-bind", ENV_BIND, bind, RegistrationSettings.DEFAULT_BIND_ADDRESS);
    int portNumber =
        settings.integer(
            "--registration-port", ENV_PORT, port, RegistrationSettings.DEFAULT_PORT, 0, 65535);
    URI landing = settings.endpoint("--registration-landing-url", ENV_LANDING_URL, landingUrl);
    return new RegistrationSettings(enabled, address, portNumber, landing);
  }
}
