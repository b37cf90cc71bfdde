package dev.hourmeter.worker.ingest;

/**
 * Where the ingest API's tokens come from: a fixed set ({@link IngestTokens}), or a tokens file
 * that is re-read when it changes ({@link IngestTokenFile}).
 */
public interface IngestTokenSource {

  /** The tokens accepted now. */
  IngestTokens current();
}
