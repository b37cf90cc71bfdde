package dev.hourmeter.simulator;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Random identifiers of the {@link AgreementBook}: agreement and offer ids, LicenseArns of the
 * simulator's account, CustomerIdentifiers and registration tokens, in AWS's forms.
 */
final class AgreementIds {

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";

  private final SecureRandom random = new SecureRandom();
  private final String accountId;

  AgreementIds(String accountId) {
    this.accountId = accountId;
  }

  String agreementId() {
    return "agmt-" + randomId(25).toLowerCase(Locale.ROOT);
  }

  String offerId() {
    return "offer-" + randomId(13).toLowerCase(Locale.ROOT);
  }

  String licenseArn() {
    return "arn:aws:license-manager::"
        + accountId
        + ":license/l-"
        + HexFormat.of().formatHex(randomBytes(16));
  }

  /** A legacy product's buyer's CustomerIdentifier. */
  String customerIdentifier() {
    return randomId(11);
  }

  String registrationToken() {
    return Base64.getEncoder().encodeToString(randomBytes(48));
  }

  private String randomId(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }
}
