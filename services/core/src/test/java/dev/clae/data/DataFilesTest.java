package dev.clae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each reader on small files in the real formats, and on broken ones. */
class DataFilesTest {
  @TempDir Path dir;

  static void writeIdx(Path file, int magic, int[] dims, byte[] payload, boolean gzip)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(payload);
    }
    try (OutputStream os =
        gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      os.write(bytes.toByteArray());
    }
  }

  /** Writes a valid Fashion-MNIST folder with n training and m test images. */
  static void writeFashion(Path dir, int n, int m) throws IOException {
    for (String split : new String[] {"train", "t10k"}) {
      int count = split.equals("train") ? n : m;
      byte[] pixels = new byte[count * 784];
      byte[] labels = new byte[count];
      for (int i = 0; i < count; i++) {
        labels[i] = (byte) (i % 10);
        pixels[i * 784 + i % 784] = (byte) 200;
      }
      writeIdx(
          dir.resolve(split + "-images-idx3-ubyte.gz"),
          0x803,
          new int[] {count, 28, 28},
          pixels,
          true);
      writeIdx(
          dir.resolve(split + "-labels-idx1-ubyte.gz"), 0x801, new int[] {count}, labels, true);
    }
  }

  @Test
  void readsFashionMnist() throws IOException {
    writeFashion(dir, 20, 10);
    Dataset d = FashionMnist.load(dir);
    assertEquals(20, d.train().size());
    assertEquals(10, d.test().size());
    assertEquals(1, d.train().channels());
    assertEquals(28, d.train().height());
    assertEquals(7, d.train().label(17));
    assertEquals((byte) 200, d.train().pixels()[3 * 784 + 3]);
    assertEquals(64, d.source().get("train-images-idx3-ubyte.gz").length());
    assertEquals(5, d.limit(5, 0).train().size());
    assertEquals(10, d.limit(5, 0).test().size());
  }

  @Test
  void readsUncompressedIdx() throws IOException {
    writeFashion(dir, 4, 2);
    for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"}) {
      byte[] raw =
          new java.util.zip.GZIPInputStream(Files.newInputStream(dir.resolve(f + ".gz")))
              .readAllBytes();
      Files.delete(dir.resolve(f + ".gz"));
      Files.write(dir.resolve(f), raw);
    }
    assertEquals(4, FashionMnist.load(dir).train().size());
  }

  @Test
  void wrongMagicNamesFileAndNumbers() throws IOException {
    writeFashion(dir, 4, 2);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    writeIdx(images, 0x801, new int[] {4, 28, 28}, new byte[4 * 784], true);
    DataException e = assertThrows(DataException.class, () -> FashionMnist.load(dir));
    assertTrue(
        e.getMessage()
            .startsWith(images + ": IDX magic number is 0x00000801, expected" + " 0x00000803"),
        e.getMessage());
  }

  @Test
  void truncatedPayloadIsReported() throws IOException {
    writeFashion(dir, 4, 2);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    writeIdx(images, 0x803, new int[] {4, 28, 28}, new byte[3 * 784 + 5], true);
    DataException e = assertThrows(DataException.class, () -> FashionMnist.load(dir));
    assertEquals(images + ": truncated, the header announces 3136 bytes of data", e.getMessage());
  }

  @Test
  void countMismatchIsReported() throws IOException {
    writeFashion(dir, 4, 2);
    Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
    writeIdx(labels, 0x801, new int[] {3}, new byte[3], true);
    DataException e = assertThrows(DataException.class, () -> FashionMnist.load(dir));
    assertTrue(
        e.getMessage().contains("holds 4 images but " + labels + " holds 3 labels"),
        e.getMessage());
  }

  @Test
  void wrongShapeIsReported() throws IOException {
    writeFashion(dir, 4, 2);
    Path images = dir.resolve("t10k-images-idx3-ubyte.gz");
    writeIdx(images, 0x803, new int[] {2, 27, 28}, new byte[2 * 27 * 28], true);
    DataException e = assertThrows(DataException.class, () -> FashionMnist.load(dir));
    assertEquals(images + ": images are 27x28, Fashion-MNIST has 28x28", e.getMessage());
  }

  @Test
  void notGzipIsReported() throws IOException {
    writeFashion(dir, 4, 2);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    Files.writeString(images, "this is not gzip");
    DataException e = assertThrows(DataException.class, () -> FashionMnist.load(dir));
    assertTrue(e.getMessage().startsWith(images + ": not a gzip file"), e.getMessage());
  }

  @Test
  void missingFolderTellsHowToGetTheData() {
    DataException e =
        assertThrows(DataException.class, () -> FashionMnist.load(dir.resolve("nothing")));
    assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
  }

  private static byte[] cifarRecords(int count, int labelBytes, int classes) {
    int record = labelBytes + 3072;
    byte[] out = new byte[count * record];
    for (int i = 0; i < count; i++) {
      out[i * record + labelBytes - 1] = (byte) (i % classes);
      out[i * record + labelBytes] = (byte) i;
      out[i * record + labelBytes + 1024] = (byte) (100 + i);
    }
    return out;
  }

  @Test
  void readsCifar10Binary() throws IOException {
    Path d = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
    for (int b = 1; b <= 5; b++) {
      Files.write(d.resolve("data_batch_" + b + ".bin"), cifarRecords(3, 1, 10));
    }
    Files.write(d.resolve("test_batch.bin"), cifarRecords(4, 1, 10));
    Files.writeString(
        d.resolve("batches.meta.txt"),
        "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n");
    Dataset data = CifarBinary.loadCifar10(dir);
    assertEquals(15, data.train().size());
    assertEquals(4, data.test().size());
    assertEquals(3, data.train().channels());
    assertEquals(2, data.train().label(5));
    assertEquals("bird", data.train().classNames().get(2));
    byte[] px = data.test().pixels();
    assertEquals((byte) 3, px[3 * 3072]);
    assertEquals((byte) 103, px[3 * 3072 + 1024]);
  }

  @Test
  void readsCifar100FineLabels() throws IOException {
    Files.write(dir.resolve("train.bin"), cifarRecords(5, 2, 100));
    Files.write(dir.resolve("test.bin"), cifarRecords(2, 2, 100));
    Dataset data = CifarBinary.loadCifar100(dir);
    assertEquals(100, data.train().numClasses());
    assertEquals(4, data.train().label(4));
  }

  @Test
  void truncatedCifarIsReported() throws IOException {
    Files.write(dir.resolve("train.bin"), new byte[3074 * 2 + 100]);
    Files.write(dir.resolve("test.bin"), cifarRecords(2, 2, 100));
    DataException e = assertThrows(DataException.class, () -> CifarBinary.loadCifar100(dir));
    assertTrue(
        e.getMessage()
            .startsWith(
                dir.resolve("train.bin")
                    + ": 6248 bytes is not a whole"
                    + " number of 3074-byte records"),
        e.getMessage());
  }

  @Test
  void cifarLabelOutOfRangeIsReported() throws IOException {
    byte[] records = cifarRecords(3, 1, 10);
    records[3073] = 12;
    Path d = dir;
    for (int b = 1; b <= 5; b++) {
      Files.write(d.resolve("data_batch_" + b + ".bin"), records);
    }
    Files.write(d.resolve("test_batch.bin"), cifarRecords(1, 1, 10));
    DataException e = assertThrows(DataException.class, () -> CifarBinary.loadCifar10(dir));
    assertTrue(e.getMessage().contains("record 1 has label 12, expected 0..9"), e.getMessage());
  }

  private static void png(Path file, int w, int h, int type, int rgb) throws IOException {
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  @Test
  void readsImageFolder() throws IOException {
    png(dir.resolve("train/cat/a.png"), 4, 3, BufferedImage.TYPE_INT_RGB, 0x102030);
    png(dir.resolve("train/dog/b.png"), 4, 3, BufferedImage.TYPE_INT_RGB, 0x405060);
    png(dir.resolve("test/dog/c.png"), 4, 3, BufferedImage.TYPE_INT_RGB, 0x708090);
    Dataset d = ImageFolder.load(dir);
    assertEquals(2, d.train().size());
    assertEquals(1, d.test().size());
    assertEquals(1, d.test().label(0));
    assertEquals(3, d.train().channels());
    assertEquals(3, d.train().height());
    // Channel-major, 3 x 3 x 4 = 36 bytes an image: the dog (label 1, second image) starts at 36
    // and its red, green and blue planes are 12 bytes apart.
    byte[] p = d.train().pixels();
    assertEquals(72, p.length);
    assertEquals(1, d.train().label(1));
    assertArrayEquals(new byte[] {0x40, 0x50, 0x60}, new byte[] {p[36], p[48], p[60]});
    assertArrayEquals(new byte[] {0x10, 0x20, 0x30}, new byte[] {p[0], p[12], p[24]});
  }

  @Test
  void imageFolderRejectsMixedSizesNamingTheFile() throws IOException {
    png(dir.resolve("train/cat/a.png"), 4, 3, BufferedImage.TYPE_BYTE_GRAY, 0);
    Path odd = dir.resolve("train/cat/b.png");
    png(odd, 5, 3, BufferedImage.TYPE_BYTE_GRAY, 0);
    png(dir.resolve("test/cat/c.png"), 4, 3, BufferedImage.TYPE_BYTE_GRAY, 0);
    DataException e = assertThrows(DataException.class, () -> ImageFolder.load(dir));
    assertTrue(e.getMessage().startsWith(odd + ": image is 1x3x5"), e.getMessage());
  }

  @Test
  void imageFolderRejectsUnreadableImages() throws IOException {
    png(dir.resolve("train/cat/a.png"), 4, 3, BufferedImage.TYPE_BYTE_GRAY, 0);
    Path bad = dir.resolve("train/cat/broken.png");
    Files.writeString(bad, "not a png");
    Files.createDirectories(dir.resolve("test/cat"));
    DataException e = assertThrows(DataException.class, () -> ImageFolder.load(dir));
    assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
  }

  @Test
  void syntheticSetIsDeterministicAndBalanced() {
    Dataset a = SyntheticImages.generate(50, 20, 16, 3);
    Dataset b = SyntheticImages.generate(50, 20, 16, 3);
    assertArrayEquals(a.train().pixels(), b.train().pixels());
    assertEquals(5, java.util.Arrays.stream(a.train().labels()).filter(l -> l == 3).count());
    assertEquals(3 * 16 * 16, a.train().imageBytes());
  }
}
