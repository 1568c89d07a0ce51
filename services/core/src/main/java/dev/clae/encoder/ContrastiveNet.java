package dev.clae.encoder;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An encoder with its projection head: {@code h = f(x)} are the features evaluation reads, and
 * {@code z = g(h) / |g(h)|} the embedding the contrastive loss reads. Every pass names the
 * batch-norm branch it goes through; evaluation passes always use the clean one.
 */
public final class ContrastiveNet extends Layer {
  private final Encoder encoder;
  private final ProjectionHead head;
  private final BranchSwitch branch;
  private final List<Parameter> trainable = new ArrayList<>();
  private final Shape inputShape;

  /**
   * Creates a network and initialises its weights from the engine's random generator.
   *
   * @param inputShape {@code {C, H, W}} of one image
   */
  public ContrastiveNet(
      Encoder encoder,
      ProjectionHead head,
      BranchSwitch branch,
      Shape inputShape,
      NDManager manager) {
    this.encoder = addChildBlock("encoder", encoder);
    this.head = addChildBlock("head", head);
    this.branch = branch;
    this.inputShape = inputShape;
    initialize(manager, DataType.FLOAT32, new Shape(1).addAll(inputShape));
    for (Pair<String, Parameter> p : getParameters()) {
      if (p.getValue().requiresGradient()) {
        trainable.add(p.getValue());
      }
    }
  }

  /** Returns the embedding {@code z} (L2-normalised) of a batch through a branch. */
  public NDArray embed(NDArray x, BnBranch b, boolean training) {
    branch.select(b);
    NDArray h = encoder.apply(x, training);
    NDArray z = head.apply(h, training);
    h.close();
    return z;
  }

  /** Returns the pooled encoder features {@code h} of a batch through a branch. */
  public NDArray features(NDArray x, BnBranch b, boolean training) {
    branch.select(b);
    return encoder.apply(x, training);
  }

  /** Returns the backbone and, for evaluation, the features and embedding of a clean pass. */
  public NDArray[] evalOutputs(NDArray x) {
    branch.select(BnBranch.CLEAN);
    NDArray h = encoder.apply(x, false);
    NDArray z = head.apply(h, false);
    return new NDArray[] {h, z};
  }

  @Override
  public NDArray apply(NDArray x, boolean training) {
    return embed(x, BnBranch.CLEAN, training);
  }

  /** Returns the parameters that training updates, in a fixed order. */
  public List<Parameter> trainableParameters() {
    return Collections.unmodifiableList(trainable);
  }

  /**
   * Switches gradient tracking of every trainable weight. The FGSM attack turns it off: it needs
   * the gradient with respect to the input only, and frozen weights skip all weight-gradient work
   * in backward.
   */
  public void setWeightsRequireGradient(boolean requires) {
    for (Parameter p : trainable) {
      p.getArray().setRequiresGradient(requires);
    }
  }

  /** Returns the encoder. */
  public Encoder encoder() {
    return encoder;
  }

  /** Returns the projection head. */
  public ProjectionHead head() {
    return head;
  }

  /** Returns {@code {C, H, W}} of one input image. */
  public Shape inputShape() {
    return inputShape;
  }

  /** Returns the batch norms of the encoder, in network order. */
  public List<DualBatchNorm> batchNorms() {
    List<DualBatchNorm> out = new ArrayList<>();
    collect(encoder, out);
    return out;
  }

  private static void collect(ai.djl.nn.Block block, List<DualBatchNorm> out) {
    if (block instanceof DualBatchNorm bn) {
      out.add(bn);
    }
    for (ai.djl.nn.Block child : block.getChildren().values()) {
      collect(child, out);
    }
  }

  /** Serialises every parameter and running statistic, in DJL's parameter format. */
  public byte[] saveWeights() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Replaces every parameter and running statistic by those written by {@link #saveWeights} of a
   * network of the same architecture. The old arrays are closed; the new ones live in {@code
   * manager}, and trainable ones track gradients again.
   *
   * @throws IllegalArgumentException when the weights belong to another architecture
   */
  public void loadWeights(byte[] weights, NDManager manager) {
    for (Pair<String, Parameter> p : getParameters()) {
      p.getValue().close();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
      loadParameters(manager, in);
    } catch (IOException | MalformedModelException e) {
      throw new IllegalArgumentException(
          "weights do not fit this network (" + e.getMessage() + ")", e);
    }
    setWeightsRequireGradient(true);
  }

  @Override
  public Shape outputShape(Shape in) {
    return head.outputShape(encoder.outputShape(in));
  }

  @Override
  public long forwardFlops(Shape in) {
    return encoder.forwardFlops(in) + head.forwardFlops(encoder.outputShape(in));
  }
}
