package dev.clae.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads Fashion-MNIST (or MNIST) from its four IDX files, gzipped or not. Images: big-endian magic
 * {@code 0x00000803}, count, rows, columns, then one unsigned byte a pixel; labels: magic {@code
 * 0x00000801}, count, one byte a label. The Debian package {@code dataset-fashion-mnist} installs
 * the gzipped files in {@code /usr/share/datasets/fashion-mnist}.
 */
public final class FashionMnist {
  static final int IMAGE_MAGIC = 0x00000803;
  static final int LABEL_MAGIC = 0x00000801;
  private static final int SIDE = 28;

  /** Class names of Fashion-MNIST, indexed by label. */
  public static final List<String> CLASSES =
      List.of(
          "t-shirt/top",
          "trouser",
          "pullover",
          "dress",
          "coat",
          "sandal",
          "shirt",
          "sneaker",
          "bag",
          "ankle boot");

  private FashionMnist() {}

  /**
   * Loads both splits from a folder.
   *
   * @throws DataException naming the file when one is missing or malformed
   */
  public static Dataset load(Path dir) {
    Map<String, String> source = new LinkedHashMap<>();
    source.put("path", dir.toString());
    ImageSet train = loadSplit(dir, "train", source);
    ImageSet test = loadSplit(dir, "t10k", source);
    return new Dataset("fashion-mnist", train, test, source);
  }

  private static ImageSet loadSplit(Path dir, String prefix, Map<String, String> source) {
    Path images = find(dir, prefix + "-images-idx3-ubyte");
    Path labels = find(dir, prefix + "-labels-idx1-ubyte");
    source.put(images.getFileName().toString(), FileDigest.sha256(images));
    source.put(labels.getFileName().toString(), FileDigest.sha256(labels));
    Idx img = readIdx(images, IMAGE_MAGIC);
    Idx lab = readIdx(labels, LABEL_MAGIC);
    if (img.dims[1] != SIDE || img.dims[2] != SIDE) {
      throw new DataException(
          images + ": images are " + img.dims[1] + "x" + img.dims[2] + ", Fashion-MNIST has 28x28");
    }
    if (img.dims[0] != lab.dims[0]) {
      throw new DataException(
          images
              + " holds "
              + img.dims[0]
              + " images but "
              + labels
              + " holds "
              + lab.dims[0]
              + " labels");
    }
    int[] y = new int[lab.dims[0]];
    for (int i = 0; i < y.length; i++) {
      y[i] = lab.data[i] & 0xff;
      if (y[i] >= CLASSES.size()) {
        throw new DataException(labels + ": label " + y[i] + " of item " + i + " is not in 0..9");
      }
    }
    return new ImageSet(1, SIDE, SIDE, img.data, y, CLASSES);
  }

  private static Path find(Path dir, String base) {
    for (String name : new String[] {base + ".gz", base}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataException(
        "Fashion-MNIST file "
            + dir.resolve(base + ".gz")
            + " not found: install the Debian"
            + " package dataset-fashion-mnist (./clae data does it), or set data.path to the"
            + " folder that holds the four IDX files");
  }

  /** An IDX file: its dimensions (count first) and the payload bytes. */
  record Idx(int[] dims, byte[] data) {}

  /**
   * Reads an IDX file of unsigned bytes with the expected magic number.
   *
   * @throws DataException naming the file on a wrong magic, a bad header or a short payload
   */
  static Idx readIdx(Path file, int expectedMagic) {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? gunzip(raw, file) : raw;
        DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16))) {
      int magic = data.readInt();
      if (magic != expectedMagic) {
        throw new DataException(
            String.format(
                "%s: IDX magic number is 0x%08x, expected 0x%08x (%s)",
                file,
                magic,
                expectedMagic,
                expectedMagic == IMAGE_MAGIC ? "an images file" : "a labels file"));
      }
      int rank = expectedMagic & 0xff;
      int[] dims = new int[rank];
      long total = 1;
      for (int d = 0; d < rank; d++) {
        dims[d] = data.readInt();
        if (dims[d] <= 0) {
          throw new DataException(file + ": dimension " + d + " of the IDX header is " + dims[d]);
        }
        total *= dims[d];
      }
      if (total > Integer.MAX_VALUE - 8) {
        throw new DataException(file + ": IDX payload of " + total + " bytes is too large");
      }
      byte[] payload = new byte[(int) total];
      try {
        data.readFully(payload);
      } catch (EOFException e) {
        throw new DataException(
            file + ": truncated, the header announces " + total + " bytes of data", e);
      }
      if (data.read() != -1) {
        throw new DataException(file + ": has bytes after the " + total + " the header announces");
      }
      return new Idx(dims, payload);
    } catch (EOFException e) {
      throw new DataException(file + ": truncated inside the IDX header", e);
    } catch (IOException e) {
      throw new DataException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }
  }

  private static InputStream gunzip(InputStream raw, Path file) throws IOException {
    try {
      return new GZIPInputStream(raw, 1 << 16);
    } catch (IOException e) {
      throw new DataException(file + ": not a gzip file (" + e.getMessage() + ")", e);
    }
  }
}
