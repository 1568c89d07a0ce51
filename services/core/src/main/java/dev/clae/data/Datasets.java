package dev.clae.data;

import dev.clae.config.ClaeConfig;
import dev.clae.config.ConfigException;
import dev.clae.config.Keys;
import java.nio.file.Path;

/** Loads the dataset a configuration names, cut to its limits. */
public final class Datasets {
  private Datasets() {}

  /**
   * Loads {@code data.name} from {@code data.path} and applies {@code data.train.limit} and {@code
   * data.test.limit}.
   *
   * @throws DataException naming the file when the data is missing or malformed
   * @throws ConfigException when a required {@code data.path} is not set
   */
  public static Dataset load(ClaeConfig config) {
    String name = config.get(Keys.DATA);
    String path = config.get(Keys.DATA_PATH);
    Dataset data;
    switch (name) {
      case "synthetic":
        data =
            SyntheticImages.generate(
                config.get(Keys.SYNTH_TRAIN),
                config.get(Keys.SYNTH_TEST),
                config.get(Keys.SYNTH_SIZE),
                config.get(Keys.SYNTH_CHANNELS));
        break;
      case "fashion-mnist":
        data = FashionMnist.load(Path.of(path));
        break;
      case "cifar10":
        data = CifarBinary.loadCifar10(requirePath(name, path));
        break;
      case "cifar100":
        data = CifarBinary.loadCifar100(requirePath(name, path));
        break;
      case "folder":
        data = ImageFolder.load(requirePath(name, path));
        break;
      default:
        throw new ConfigException("data.name=" + name + ": unknown dataset");
    }
    return data.limit(config.get(Keys.TRAIN_LIMIT), config.get(Keys.TEST_LIMIT));
  }

  private static Path requirePath(String name, String path) {
    if (path.isBlank()) {
      throw new ConfigException("data.path: required for data.name=" + name);
    }
    return Path.of(path);
  }
}
