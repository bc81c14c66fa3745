package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 response read as it arrives, line by line of its body: the status line (200
 * expected) and headers are read first, then the body's lines, its chunked framing taken off
 * (a line may span chunks), each as soon as its newline has arrived.
 */
final class ChunkedEvents {

  private final InputStream in;
  private final boolean chunked;
  private int leftInChunk;
  private boolean ended;

  ChunkedEvents(InputStream in) throws IOException {
    this.in = in;
    String status = rawLine();
    assertThat(status).as("status line").contains(" 200 ");
    boolean isChunked = false;
    for (String header = rawLine(); header != null && !header.isEmpty(); header = rawLine()) {
      if (header.toLowerCase(java.util.Locale.ROOT).replace(" ", "").equals("transfer-encoding:chunked")) {
        isChunked = true;
      }
    }
    this.chunked = isChunked;
  }

  /** The body's next line (without its line end), or null at the body's end. */
  String nextLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = bodyByte();
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
  }

  private int bodyByte() throws IOException {
    if (ended) {
      return -1;
    }
    if (!chunked) {
      return in.read();
    }
    if (leftInChunk == 0) {
      String size = rawLine();
      if (size != null && size.isEmpty()) {
        size = rawLine(); // the CRLF that ends the previous chunk
      }
      if (size == null) {
        ended = true;
        return -1;
      }
      leftInChunk = Integer.parseInt(size.split(";")[0].trim(), 16);
      if (leftInChunk == 0) {
        ended = true;
        return -1;
      }
    }
    leftInChunk--;
    return in.read();
  }

  private String rawLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }
}
