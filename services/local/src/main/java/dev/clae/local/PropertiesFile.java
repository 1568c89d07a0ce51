package dev.clae.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code .properties} files that stay readable (sorted, one key a line, no date line, unlike
 * {@link java.util.Properties#store}), for the broker's and the S3 server's configuration.
 */
final class PropertiesFile {
  private PropertiesFile() {}

  /**
   * Writes {@code values} to {@code file}, escaped as {@link java.util.Properties#load} expects.
   *
   * @param privateFile whether only the owner may read it (for files holding credentials)
   */
  static void write(Path file, String comment, Map<String, String> values, boolean privateFile)
      throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : comment.split("\n")) {
      text.append("# ").append(escape(line, false)).append('\n');
    }
    for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
      text.append(escape(e.getKey(), true)).append('=').append(escape(e.getValue(), false));
      text.append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (privateFile && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    // Pure ASCII (anything else is written as a unicode escape), so any reader's charset works.
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  private static String escape(String s, boolean key) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '=', ':', '#', '!' -> out.append(key ? "\\" + c : String.valueOf(c));
        case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
        default -> {
          if (c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
