package dev.clae.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads an image folder: {@code train/} and {@code test/}, each with one sub-folder a class holding
 * PNG or JPEG files. Classes are the training sub-folders in name order; every image must have the
 * size and colour type (gray or RGB) of the first one read.
 */
public final class ImageFolder {
  private ImageFolder() {}

  /** Loads both splits of the folder. */
  public static Dataset load(Path root) {
    Path trainDir = root.resolve("train");
    Path testDir = root.resolve("test");
    for (Path p : new Path[] {trainDir, testDir}) {
      if (!Files.isDirectory(p)) {
        throw new DataException(
            "image folder "
                + root
                + " has no "
                + p.getFileName()
                + "/ sub-folder; expected train/<class>/*.png and test/<class>/*.png");
      }
    }
    List<String> classes = new ArrayList<>();
    try (Stream<Path> s = Files.list(trainDir)) {
      s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .forEach(classes::add);
    } catch (IOException e) {
      throw new DataException(trainDir + ": cannot be listed (" + e.getMessage() + ")", e);
    }
    if (classes.isEmpty()) {
      throw new DataException(trainDir + " has no class sub-folders");
    }
    int[] shape = new int[3];
    ImageSet train = readSplit(trainDir, classes, shape, false);
    ImageSet test = readSplit(testDir, classes, shape, true);
    Map<String, String> source = new LinkedHashMap<>();
    source.put("path", root.toString());
    source.put("train_images", String.valueOf(train.size()));
    source.put("test_images", String.valueOf(test.size()));
    return new Dataset("folder", train, test, source);
  }

  private static ImageSet readSplit(Path dir, List<String> classes, int[] shape, boolean test) {
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    List<Integer> labels = new ArrayList<>();
    if (test) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : (Iterable<Path>) s.filter(Files::isDirectory)::iterator) {
          if (!classes.contains(p.getFileName().toString())) {
            throw new DataException(
                p
                    + ": class '"
                    + p.getFileName()
                    + "' has no training"
                    + " folder in "
                    + dir.resolveSibling("train"));
          }
        }
      } catch (IOException e) {
        throw new DataException(dir + ": cannot be listed (" + e.getMessage() + ")", e);
      }
    }
    for (int c = 0; c < classes.size(); c++) {
      Path classDir = dir.resolve(classes.get(c));
      if (!Files.isDirectory(classDir)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> s = Files.list(classDir)) {
        files = s.filter(ImageFolder::isImage).sorted().toList();
      } catch (IOException e) {
        throw new DataException(classDir + ": cannot be listed (" + e.getMessage() + ")", e);
      }
      for (Path f : files) {
        pixels.writeBytes(decode(f, shape));
        labels.add(c);
      }
    }
    if (labels.isEmpty()) {
      throw new DataException(dir + " holds no PNG or JPEG images");
    }
    int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
    return new ImageSet(shape[0], shape[1], shape[2], pixels.toByteArray(), y, classes);
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p)
        && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
  }

  private static byte[] decode(Path f, int[] shape) {
    BufferedImage img;
    try {
      img = ImageIO.read(f.toFile());
    } catch (IOException e) {
      throw new DataException(f + ": not a readable PNG or JPEG (" + e.getMessage() + ")", e);
    }
    if (img == null) {
      throw new DataException(f + ": not a readable PNG or JPEG");
    }
    int channels = isGray(img) ? 1 : 3;
    int h = img.getHeight();
    int w = img.getWidth();
    if (shape[0] == 0) {
      shape[0] = channels;
      shape[1] = h;
      shape[2] = w;
    } else if (shape[0] != channels || shape[1] != h || shape[2] != w) {
      throw new DataException(
          f
              + ": image is "
              + channels
              + "x"
              + h
              + "x"
              + w
              + " (channels x height x width), the folder's first image is "
              + shape[0]
              + "x"
              + shape[1]
              + "x"
              + shape[2]
              + "; resize the images to one size");
    }
    byte[] out = new byte[channels * h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        int i = y * w + x;
        if (channels == 1) {
          out[i] = (byte) (rgb & 0xff);
        } else {
          out[i] = (byte) (rgb >> 16);
          out[h * w + i] = (byte) (rgb >> 8);
          out[2 * h * w + i] = (byte) rgb;
        }
      }
    }
    return out;
  }

  private static boolean isGray(BufferedImage img) {
    int type = img.getType();
    return type == BufferedImage.TYPE_BYTE_GRAY
        || type == BufferedImage.TYPE_USHORT_GRAY
        || img.getColorModel().getNumColorComponents() == 1;
  }
}
