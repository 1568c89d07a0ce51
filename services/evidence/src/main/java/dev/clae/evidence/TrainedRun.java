package dev.clae.evidence;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clae.augment.AugmentSettings;
import dev.clae.augment.Normalization;
import dev.clae.augment.ViewAugmenter;
import dev.clae.config.ClaeConfig;
import dev.clae.data.Dataset;
import dev.clae.data.Datasets;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.Networks;
import dev.clae.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A finished {@code clae train} run read back from its output folder: the configuration, the data
 * and the network of its newest checkpoint.
 */
final class TrainedRun {
  final ClaeConfig config;
  final Dataset data;
  final ViewAugmenter augmenter;
  final ContrastiveNet net;
  final int epochsDone;

  private TrainedRun(ClaeConfig config, Dataset data, ContrastiveNet net, int epochsDone) {
    this.config = config;
    this.data = data;
    this.augmenter = new ViewAugmenter(AugmentSettings.of(config), Normalization.of(data.train()));
    this.net = net;
    this.epochsDone = epochsDone;
  }

  /**
   * Loads the newest checkpoint of a run folder.
   *
   * @param overrides config keys to change (engine threads, data path)
   * @throws IllegalArgumentException naming the folder when it holds no checkpoint
   */
  static TrainedRun load(Path dir, List<String> overrides, NDManager manager) throws IOException {
    Path ckptDir = dir.resolve("checkpoints");
    Path newest;
    try (Stream<Path> s = Files.isDirectory(ckptDir) ? Files.list(ckptDir) : Stream.empty()) {
      newest =
          s.filter(p -> p.getFileName().toString().endsWith(".ckpt"))
              .sorted()
              .reduce((a, b) -> b)
              .orElseThrow(
                  () -> new IllegalArgumentException(dir + ": no checkpoints/*.ckpt in it"));
    }
    Checkpoint ckpt = Checkpoint.read(newest);
    ClaeConfig.Builder b = ClaeConfig.builder().setAll(ckpt.config());
    overrides.forEach(b::set);
    ClaeConfig config = b.build();
    Dataset data = Datasets.load(config);
    Shape image = new Shape(data.train().channels(), data.train().height(), data.train().width());
    ContrastiveNet net = Networks.create(config, image, manager);
    net.loadWeights(ckpt.weights(), manager);
    return new TrainedRun(config, data, net, ckpt.epochsDone());
  }
}
