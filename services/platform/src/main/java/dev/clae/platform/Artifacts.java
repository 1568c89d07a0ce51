package dev.clae.platform;

/**
 * Object keys of a run's artifacts, all under {@code runs/<run>/}:
 *
 * <pre>
 *   spec.json                         resolved config and provenance (coordinator)
 *   data.json                         dataset shape, sizes and file digests (augmenter)
 *   views/&lt;gen&gt;/&lt;batch&gt;.f32          claim-checked view batches (augmenter)
 *   weights/&lt;gen&gt;/v&lt;version&gt;.params    weight snapshots (trainer)
 *   checkpoints/step-&lt;step&gt;.ckpt       checkpoints (trainer)
 *   eval/&lt;kind&gt;-step-&lt;step&gt;.json      evaluation reports (evaluator)
 *   result.json, loss_curve.csv, loss_curve.png   the run's results (evaluator)
 *   cancelled                         marker of a cancelled run (coordinator)
 * </pre>
 */
public final class Artifacts {
  private Artifacts() {}

  /** Returns the folder of a run. */
  public static String run(String runId) {
    return "runs/" + runId + "/";
  }

  /** Returns the key of a run's spec. */
  public static String spec(String runId) {
    return run(runId) + "spec.json";
  }

  /** Returns the key of a run's dataset description. */
  public static String data(String runId) {
    return run(runId) + "data.json";
  }

  /** Returns the key of a claim-checked view batch. */
  public static String views(String runId, long generation, long batchId) {
    return run(runId) + "views/" + Long.toHexString(generation) + "/" + batchId + ".f32";
  }

  /** Returns the folder of a generation's views. */
  public static String viewsFolder(String runId) {
    return run(runId) + "views/";
  }

  /** Returns the key of a weight snapshot. */
  public static String weights(String runId, long generation, long version) {
    return run(runId) + "weights/" + Long.toHexString(generation) + "/v" + version + ".params";
  }

  /** Returns the folder of weight snapshots. */
  public static String weightsFolder(String runId) {
    return run(runId) + "weights/";
  }

  /** Returns the key of a checkpoint. */
  public static String checkpoint(String runId, long step) {
    return run(runId) + "checkpoints/" + String.format("step-%010d.ckpt", step);
  }

  /** Returns the folder of checkpoints. */
  public static String checkpoints(String runId) {
    return run(runId) + "checkpoints/";
  }

  /** Returns the key of an evaluation report. */
  public static String evalReport(String runId, String kind, long step) {
    return run(runId) + "eval/" + kind + String.format("-step-%010d.json", step);
  }

  /** Returns the key of the run's result.json. */
  public static String result(String runId) {
    return run(runId) + "result.json";
  }

  /** Returns the key of the loss curve (CSV). */
  public static String lossCsv(String runId) {
    return run(runId) + "loss_curve.csv";
  }

  /** Returns the key of the loss curve (PNG). */
  public static String lossPng(String runId) {
    return run(runId) + "loss_curve.png";
  }

  /** Returns the key of the marker the coordinator writes when a run is cancelled. */
  public static String cancelled(String runId) {
    return run(runId) + "cancelled";
  }
}
