package dev.hourmeter.activities.usage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a file another process appends to, like {@code tail -F}: each {@link #catchUp} hands over
 * only the complete lines ({@code \n}-terminated) appended since the last one; a partial last line
 * waits for its newline. It remembers the read offset and the file's identity ({@code fileKey}), so
 * it survives rotation (the file replaced: the old one is read to its end first, then the new one
 * from its start) and truncation (the file shorter than the offset: read again from the start, with
 * a WARN). Not thread-safe: the owner serializes calls.
 */
final class UsageFileTailer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UsageFileTailer.class);
  private static final int INITIAL_BUFFER = 64 * 1024;

  /** Receives each line (without its {@code \n}) with its 1-based number in its file. */
  interface LineSink {
    void line(long number, byte[] bytes, int offset, int length);
  }

  private final Path file;
  private FileChannel channel;
  private Object fileKey;
  private long offset;
  private long lineNumber;
  private byte[] buffer = new byte[INITIAL_BUFFER];

  UsageFileTailer(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * Hands the complete lines appended since the last call to {@code sink}; false when the file does
   * not exist (lines of a file rotated away are still read to its end).
   */
  boolean catchUp(LineSink sink) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      if (channel != null) {
        readToEnd(sink, false);
      }
      return false;
    }
    if (attributes.isDirectory()) {
      throw new IOException("usage file " + file + " is a directory");
    }
    Object key = attributes.fileKey();
    if (channel != null && key != null && !key.equals(fileKey)) {
      readToEnd(sink, true);
      log.info("usage file {} was replaced (rotated): read the old one to its end", file);
      closeChannel();
    }
    if (channel == null) {
      channel = FileChannel.open(file, StandardOpenOption.READ);
      fileKey = key;
      offset = 0;
      lineNumber = 0;
    } else if (attributes.size() < offset) {
      log.warn(
          "usage file {} is shorter ({} bytes) than the offset read ({}): truncated, reading it"
              + " again from the start",
          file,
          attributes.size(),
          offset);
      offset = 0;
      lineNumber = 0;
    }
    readToEnd(sink, false);
    return true;
  }

  /** The offset of the first byte not handed over yet. */
  long offset() {
    return offset;
  }

  /**
   * Reads the open file from the offset to its end; {@code takeTail}: an unterminated last line is
   * handed over too (the file will not grow any more).
   */
  private void readToEnd(LineSink sink, boolean takeTail) throws IOException {
    long position = offset; // file position of buffer[0]
    int filled = 0;
    while (true) {
      if (filled == buffer.length) {
        byte[] bigger = new byte[buffer.length * 2];
        System.arraycopy(buffer, 0, bigger, 0, filled);
        buffer = bigger;
      }
      int read =
          channel.read(ByteBuffer.wrap(buffer, filled, buffer.length - filled), position + filled);
      if (read <= 0) {
        break;
      }
      int end = filled + read;
      int lineStart = 0;
      for (int i = filled; i < end; i++) {
        if (buffer[i] == '\n') {
          sink.line(++lineNumber, buffer, lineStart, i - lineStart);
          lineStart = i + 1;
        }
      }
      System.arraycopy(buffer, lineStart, buffer, 0, end - lineStart);
      filled = end - lineStart;
      position += lineStart;
      offset = position;
    }
    if (takeTail && filled > 0) {
      sink.line(++lineNumber, buffer, 0, filled);
      offset = position + filled;
    }
    if (buffer.length > INITIAL_BUFFER && filled < INITIAL_BUFFER) {
      buffer = new byte[INITIAL_BUFFER]; // one very long line does not hold memory for good
    }
  }

  private void closeChannel() throws IOException {
    FileChannel old = channel;
    channel = null;
    fileKey = null;
    old.close();
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      closeChannel();
    }
  }
}
