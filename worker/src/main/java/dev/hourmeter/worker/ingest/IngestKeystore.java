package dev.hourmeter.worker.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The ingest API's TLS: a PKCS12 keystore ({@code --ingest-keystore}, its password in {@code
 * HOURMETER_INGEST_KEYSTORE_PASSWORD}) made into a server {@link SSLContext}. What goes wrong names
 * the flag, the variable and the file, never the password.
 */
final class IngestKeystore {

  private static final String WHERE = "--ingest-keystore (" + IngestOptions.ENV_KEYSTORE + "): ";

  private IngestKeystore() {}

  /**
   * The server context of the keystore at {@code file}.
   *
   * @throws IllegalArgumentException naming the flag, the variable and the file when it cannot be
   *     read, the password does not open it, or it holds no private key
   */
  static SSLContext serverContext(Path file, String password) {
    char[] secret = password == null ? new char[0] : password.toCharArray();
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, secret);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(WHERE + file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(WHERE + file + ": not readable (permission denied)", e);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new IllegalArgumentException(
            WHERE
                + file
                + ": the password in "
                + IngestOptions.ENV_KEYSTORE_PASSWORD
                + (password == null || password.isEmpty() ? " (not set)" : "")
                + " does not open it",
            e);
      }
      throw new IllegalArgumentException(
          WHERE + file + ": not a PKCS12 keystore, or unreadable (" + e.getMessage() + ")", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          WHERE + file + ": not a usable PKCS12 keystore (" + e.getMessage() + ")", e);
    }
    try {
      boolean hasKey = false;
      for (String alias : Collections.list(store.aliases())) {
        hasKey |= store.isKeyEntry(alias);
      }
      if (!hasKey) {
        throw new IllegalArgumentException(
            WHERE + file + ": holds no private key (only certificates)");
      }
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, secret);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (UnrecoverableKeyException e) {
      throw new IllegalArgumentException(
          WHERE
              + file
              + ": its key has another password than the keystore's ("
              + IngestOptions.ENV_KEYSTORE_PASSWORD
              + " must open both)",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          WHERE + file + ": not a usable PKCS12 keystore (" + e.getMessage() + ")", e);
    }
  }
}
