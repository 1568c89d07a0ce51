package dev.clae.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Everything needed to continue a run exactly where it stopped, written at an epoch boundary: the
 * weights with both batch-norm branches and their running statistics, the optimiser state and step
 * count, the loss history, evaluation results so far and the configuration. Data order and
 * augmentations derive from (seed, epoch), so nothing else is needed.
 *
 * <p>On disk it is a zip of {@code meta.json}, {@code weights.params} (DJL's parameter format),
 * {@code optimizer.ndlist} ({@code NDList} encoding) and {@code history.csv}.
 *
 * @param config the resolved configuration of the run
 * @param epochsDone epochs completed
 * @param optimizerSteps optimiser updates applied
 * @param trainSeconds training seconds so far, evaluation excluded
 * @param extras evaluation results so far (untrained kNN, kNN curve)
 * @param weights serialised network parameters
 * @param optimizerState serialised optimiser state
 * @param history loss curve so far
 */
public record Checkpoint(
    Map<String, String> config,
    int epochsDone,
    long optimizerSteps,
    double trainSeconds,
    Map<String, Object> extras,
    byte[] weights,
    byte[] optimizerState,
    List<StepRecord> history) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

  /** Serialises the checkpoint as a zip. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("format", FORMAT);
      meta.put("epochs_done", epochsDone);
      meta.put("optimizer_steps", optimizerSteps);
      meta.put("train_seconds", trainSeconds);
      meta.put("extras", extras);
      meta.put("config", config);
      put(zip, "meta.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
      put(zip, "weights.params", weights);
      put(zip, "optimizer.ndlist", optimizerState);
      StringBuilder csv = new StringBuilder(StepRecord.HEADER).append('\n');
      for (StepRecord r : history) {
        csv.append(r.csv()).append('\n');
      }
      put(zip, "history.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a checkpoint.
   *
   * @param source names the checkpoint in error messages
   * @throws IllegalArgumentException naming the source when the bytes are not a checkpoint
   */
  public static Checkpoint fromBytes(byte[] data, String source) {
    Map<String, byte[]> entries = new HashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(data))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        entries.put(e.getName(), zip.readAllBytes());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": not a readable checkpoint (" + e + ")", e);
    }
    for (String name : List.of("meta.json", "weights.params", "optimizer.ndlist", "history.csv")) {
      if (!entries.containsKey(name)) {
        throw new IllegalArgumentException(source + ": not a checkpoint, " + name + " missing");
      }
    }
    try {
      Map<String, Object> meta =
          JSON.readValue(entries.get("meta.json"), new TypeReference<Map<String, Object>>() {});
      if (((Number) meta.get("format")).intValue() != FORMAT) {
        throw new IllegalArgumentException(
            source
                + ": checkpoint format "
                + meta.get("format")
                + " is not supported (expected "
                + FORMAT
                + ")");
      }
      @SuppressWarnings("unchecked")
      Map<String, String> config = (Map<String, String>) meta.get("config");
      @SuppressWarnings("unchecked")
      Map<String, Object> extras = (Map<String, Object>) meta.get("extras");
      List<StepRecord> history = new ArrayList<>();
      String[] lines = new String(entries.get("history.csv"), StandardCharsets.UTF_8).split("\n");
      for (int i = 1; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          history.add(StepRecord.parse(lines[i]));
        }
      }
      return new Checkpoint(
          config,
          ((Number) meta.get("epochs_done")).intValue(),
          ((Number) meta.get("optimizer_steps")).longValue(),
          ((Number) meta.get("train_seconds")).doubleValue(),
          extras,
          entries.get("weights.params"),
          entries.get("optimizer.ndlist"),
          history);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith(source)) {
        throw iae;
      }
      throw new IllegalArgumentException(source + ": malformed checkpoint metadata (" + e + ")", e);
    }
  }

  /** Writes the checkpoint to {@code file} atomically (temporary file, then rename). */
  public void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, toBytes());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a checkpoint file. */
  public static Checkpoint read(Path file) throws IOException {
    return fromBytes(Files.readAllBytes(file), file.toString());
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }
}
