package dev.clae.encoder;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;

/** Builds the network a configuration describes. */
public final class Networks {
  private Networks() {}

  /**
   * Builds and initialises the encoder and head of {@code config} for images of shape {@code {C, H,
   * W}}. Batch norms are dual exactly when {@code adversarial.enabled} is true.
   */
  public static ContrastiveNet create(ClaeConfig config, Shape image, NDManager manager) {
    BranchSwitch sw = new BranchSwitch();
    BnSpec bn =
        new BnSpec(
            sw,
            config.get(Keys.BN_MOMENTUM),
            config.get(Keys.ADV_BN_MOMENTUM),
            config.get(Keys.ADV_ENABLED));
    int channels = (int) image.get(0);
    double width = config.get(Keys.ENCODER_WIDTH);
    Encoder encoder =
        "resnet18".equals(config.get(Keys.ENCODER))
            ? new CifarResNet18(channels, width, bn)
            : new SmallConvNet(channels, width, bn);
    ProjectionHead head =
        new ProjectionHead(
            encoder.featureDim(), config.get(Keys.HEAD_HIDDEN), config.get(Keys.HEAD_DIM));
    return new ContrastiveNet(encoder, head, sw, image, manager);
  }
}
