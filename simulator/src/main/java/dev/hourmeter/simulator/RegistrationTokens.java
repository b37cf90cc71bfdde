package dev.hourmeter.simulator;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The registration tokens the {@link AgreementBook} issued, each to the agreement it resolves to
 * until it expires. Guarded by the {@link SimulatorState} lock, as the book is.
 */
final class RegistrationTokens {

  private record Token(String agreementId, Instant expiresAt) {}

  private final Map<String, Token> tokens = new HashMap<>();

  /** Indexes the agreement's registration token. */
  void index(Agreement agreement) {
    tokens.put(
        agreement.registrationToken(), new Token(agreement.id(), agreement.tokenExpiresAt()));
  }

  /**
   * The id of the agreement {@code token} resolves to at {@code now}.
   *
   * @throws ApiException InvalidTokenException for a token never issued, ExpiredTokenException for
   *     one past its lifetime
   */
  String agreementId(String token, Instant now) {
    Token entry = token == null ? null : tokens.get(token);
    if (entry == null) {
      throw ApiException.badRequest("InvalidTokenException", "Registration token is invalid.");
    }
    if (!now.isBefore(entry.expiresAt())) {
      throw ApiException.badRequest("ExpiredTokenException", "Registration token has expired.");
    }
    return entry.agreementId();
  }

  void clear() {
    tokens.clear();
  }
}
