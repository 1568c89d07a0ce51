package dev.clae.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the binary versions of CIFAR-10 and CIFAR-100. A CIFAR-10 record is one label byte and 3072
 * pixel bytes (1024 red, 1024 green, 1024 blue, rows of 32); training data is {@code
 * data_batch_1.bin} to {@code data_batch_5.bin}, test data {@code test_batch.bin}, class names in
 * {@code batches.meta.txt}. A CIFAR-100 record has two label bytes (coarse, fine) before the
 * pixels; files {@code train.bin} and {@code test.bin}, fine class names in {@code
 * fine_label_names.txt}. The fine labels are used.
 */
public final class CifarBinary {
  private static final int PIXELS = 3 * 32 * 32;

  private CifarBinary() {}

  /**
   * Loads CIFAR-10 from a folder holding the batch files, or its parent holding {@code
   * cifar-10-batches-bin}.
   */
  public static Dataset loadCifar10(Path path) {
    Path dir = resolveDir(path, "cifar-10-batches-bin", "data_batch_1.bin");
    List<String> train = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      train.add("data_batch_" + i + ".bin");
    }
    List<String> names = classNames(dir.resolve("batches.meta.txt"), 10);
    return load("cifar10", dir, train, "test_batch.bin", 1, 0, names);
  }

  /**
   * Loads CIFAR-100 (fine labels) from a folder holding {@code train.bin}, or its parent holding
   * {@code cifar-100-binary}.
   */
  public static Dataset loadCifar100(Path path) {
    Path dir = resolveDir(path, "cifar-100-binary", "train.bin");
    List<String> names = classNames(dir.resolve("fine_label_names.txt"), 100);
    return load("cifar100", dir, List.of("train.bin"), "test.bin", 2, 1, names);
  }

  private static Dataset load(
      String name,
      Path dir,
      List<String> trainFiles,
      String testFile,
      int labelBytes,
      int labelOffset,
      List<String> classes) {
    Map<String, String> source = new LinkedHashMap<>();
    source.put("path", dir.toString());
    ImageSet train = readFiles(dir, trainFiles, labelBytes, labelOffset, classes, source);
    ImageSet test = readFiles(dir, List.of(testFile), labelBytes, labelOffset, classes, source);
    return new Dataset(name, train, test, source);
  }

  private static ImageSet readFiles(
      Path dir,
      List<String> files,
      int labelBytes,
      int labelOffset,
      List<String> classes,
      Map<String, String> source) {
    int record = labelBytes + PIXELS;
    List<byte[]> contents = new ArrayList<>();
    long total = 0;
    for (String f : files) {
      Path p = dir.resolve(f);
      if (!Files.isRegularFile(p)) {
        throw new DataException(
            "CIFAR file "
                + p
                + " not found: set data.path to the folder of"
                + " the binary version ("
                + String.join(", ", files)
                + ")");
      }
      byte[] bytes = readAll(p);
      if (bytes.length == 0 || bytes.length % record != 0) {
        throw new DataException(
            p
                + ": "
                + bytes.length
                + " bytes is not a whole number of "
                + record
                + "-byte records ("
                + labelBytes
                + " label bytes + 3072 pixels); truncated"
                + " or not the binary version");
      }
      source.put(f, FileDigest.sha256(p));
      contents.add(bytes);
      total += bytes.length / record;
    }
    byte[] pixels = new byte[Math.toIntExact(total * PIXELS)];
    int[] labels = new int[(int) total];
    int n = 0;
    for (int fi = 0; fi < contents.size(); fi++) {
      byte[] bytes = contents.get(fi);
      for (int off = 0; off < bytes.length; off += record, n++) {
        int y = bytes[off + labelOffset] & 0xff;
        if (y >= classes.size()) {
          throw new DataException(
              dir.resolve(files.get(fi))
                  + ": record "
                  + (off / record)
                  + " has label "
                  + y
                  + ", expected 0.."
                  + (classes.size() - 1));
        }
        labels[n] = y;
        System.arraycopy(bytes, off + labelBytes, pixels, n * PIXELS, PIXELS);
      }
    }
    return new ImageSet(3, 32, 32, pixels, labels, classes);
  }

  private static Path resolveDir(Path path, String subfolder, String marker) {
    if (Files.isRegularFile(path.resolve(marker))) {
      return path;
    }
    if (Files.isRegularFile(path.resolve(subfolder).resolve(marker))) {
      return path.resolve(subfolder);
    }
    throw new DataException(
        "CIFAR folder "
            + path
            + " holds neither "
            + marker
            + " nor "
            + subfolder
            + "/"
            + marker
            + ": set data.path to the binary version's folder");
  }

  private static List<String> classNames(Path file, int count) {
    List<String> names = new ArrayList<>();
    if (Files.isRegularFile(file)) {
      try {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            names.add(line.strip());
          }
        }
      } catch (IOException e) {
        throw new DataException(file + ": cannot be read (" + e.getMessage() + ")", e);
      }
    }
    if (names.size() != count) {
      names.clear();
      for (int i = 0; i < count; i++) {
        names.add("class" + i);
      }
    }
    return names;
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new DataException(p + ": cannot be read (" + e.getMessage() + ")", e);
    }
  }
}
