package dev.clae.platform;

import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a run's dataset readable from the local disk. A {@code data.path} of the form {@code
 * s3://<bucket>/<prefix>} (the pipeline's own bucket) is downloaded once into {@code
 * data.cache.dir}; any other path is used as it is, which suits a shared volume.
 */
public final class DataFetch {
  private static final Logger LOG = LoggerFactory.getLogger(DataFetch.class);

  private DataFetch() {}

  /**
   * Returns the object prefix of an {@code s3://<bucket>/<prefix>} path ending in {@code /}.
   *
   * @throws RejectedMessageException when it names another bucket than the pipeline's
   */
  public static String prefix(String path, ObjectStore store) {
    String rest = path.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (!bucket.equals(store.bucket())) {
      throw new RejectedMessageException(
          "data.path=" + path + ": only the pipeline's bucket " + store.bucket() + " is readable");
    }
    return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /**
   * Returns the config with {@code data.path} pointing at local files.
   *
   * @throws RejectedMessageException when the path names another bucket or nothing is there
   */
  public static ClaeConfig localize(ClaeConfig config, ObjectStore store, Settings settings) {
    String path = config.get(Keys.DATA_PATH);
    if (!path.startsWith("s3://")) {
      return config;
    }
    String prefix = prefix(path, store);
    Path local = Path.of(settings.get(Settings.DATA_CACHE), store.bucket()).resolve(prefix);
    List<String> keys = store.list(prefix);
    if (keys.isEmpty()) {
      throw new RejectedMessageException("data.path=" + path + ": no objects there");
    }
    for (String key : keys) {
      Path file = local.resolve(key.substring(prefix.length()));
      if (!Files.isRegularFile(file)) {
        store.getFile(key, file);
      }
    }
    LOG.info("dataset {} is in {}", path, local);
    return config.toBuilder().set("data.path", local.toString()).build();
  }
}
