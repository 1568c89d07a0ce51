package dev.clae.evaluator;

import ai.djl.ndarray.types.Shape;
import dev.clae.augment.AugmentSettings;
import dev.clae.augment.Normalization;
import dev.clae.augment.ViewAugmenter;
import dev.clae.config.ClaeConfig;
import dev.clae.data.Dataset;
import dev.clae.data.Datasets;
import dev.clae.eval.Evaluator;

/** A run's evaluation data: its train and test images and the core's evaluator over them. */
final class RunData {
  final ClaeConfig config;
  final Dataset data;
  final Normalization norm;
  final Evaluator evaluator;
  final Shape image;

  RunData(ClaeConfig config) {
    this.config = config;
    this.data = Datasets.load(config);
    this.norm = Normalization.of(data.train());
    this.evaluator =
        new Evaluator(config, data, new ViewAugmenter(AugmentSettings.of(config), norm));
    this.image = new Shape(data.train().channels(), data.train().height(), data.train().width());
  }
}
