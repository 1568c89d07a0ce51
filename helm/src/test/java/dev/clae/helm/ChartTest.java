package dev.clae.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the Helm chart in {@code helm/clae} without a cluster: {@code helm lint --strict}, then
 * {@code helm template} with the default values and with overrides (GPU, replicas, an existing or a
 * chart-made Secret, autoscaling, a cache claim), the output parsed into typed Kubernetes objects.
 */
class ChartTest {
  private static final List<String> SERVICES =
      List.of("augmenter", "adversary", "trainer", "evaluator", "coordinator");

  @TempDir Path tmp;

  @Test
  void lintStrictPasses() {
    LintResult r = new Helm(Manifests.CHART).lint().strict().call();
    assertFalse(r.isFailed(), "helm lint --strict: " + r.getMessages());
  }

  @Test
  void defaultValuesRenderEveryServiceAndNothingOptional() {
    Manifests m = Manifests.render();
    m.assertStructurallyValid();

    Set<String> expected = new TreeSet<>();
    for (String s : SERVICES) {
      expected.add("Deployment/clae-" + s);
    }
    expected.add("Service/clae-coordinator");
    expected.add("ConfigMap/clae-config");
    expected.add("ServiceAccount/clae");
    assertEquals(expected, new TreeSet<>(m.kindsAndNames()), "objects of the default values");
    assertEquals(m.all().size(), expected.size(), "no object twice: " + m.kindsAndNames());
    assertTrue(m.all(Secret.class).isEmpty());
    assertTrue(m.all(HorizontalPodAutoscaler.class).isEmpty());
    assertTrue(m.all(PersistentVolumeClaim.class).isEmpty());

    for (HasMetadata o : m.all()) {
      Map<String, String> labels = o.getMetadata().getLabels();
      String id = o.getKind() + "/" + o.getMetadata().getName();
      assertEquals("clae", labels.get("app.kubernetes.io/name"), id);
      assertEquals(Manifests.RELEASE, labels.get("app.kubernetes.io/instance"), id);
      assertEquals("Helm", labels.get("app.kubernetes.io/managed-by"), id);
      assertEquals("clae-0.1.0", labels.get("helm.sh/chart"), id);
      assertEquals("0.1.0-SNAPSHOT", labels.get("app.kubernetes.io/version"), id);
    }

    ServiceAccount sa = m.get(ServiceAccount.class, "clae");
    assertEquals(Boolean.FALSE, sa.getAutomountServiceAccountToken());
  }

  @Test
  void everyContainerHasHealthProbesResourcesAndRunsAsNonRoot() {
    Manifests m = Manifests.render();
    for (String s : SERVICES) {
      Deployment d = m.get(Deployment.class, "clae-" + s);
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), s);
      assertEquals(1000L, pod.getSecurityContext().getRunAsUser(), s);
      assertEquals("clae", pod.getServiceAccountName(), s);
      assertEquals(1, pod.getContainers().size(), s);
      for (Container c : pod.getContainers()) {
        String id = s + "/" + c.getName();
        assertEquals("clae/" + s + ":0.1.0-SNAPSHOT", c.getImage(), id);
        assertTrue(
            c.getCommand() == null || c.getCommand().isEmpty(),
            id + ": the image's entrypoint, JVM flags and main class");
        for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
          assertNotNull(p, id + ": a probe is missing");
          assertEquals("/health", p.getHttpGet().getPath(), id);
          assertEquals("http", p.getHttpGet().getPort().getStrVal(), id);
        }
        assertEquals(8080, port(c, "http"), id);
        ResourceRequirements r = c.getResources();
        assertNotNull(r, id);
        for (Map<String, Quantity> q : List.of(r.getRequests(), r.getLimits())) {
          assertNotNull(q, id + ": requests and limits");
          assertTrue(q.containsKey("cpu") && q.containsKey("memory"), id + ": " + q);
        }
        assertTrue(
            Quantity.getAmountInBytes(r.getLimits().get("memory")).longValue() > 3L << 30,
            id + ": the memory limit must leave room above -Xmx2g and 1g direct memory");
        assertFalse(r.getLimits().containsKey("nvidia.com/gpu"), id);
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), id);
        assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), id);
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), id);
        assertEquals("/tmp", mount(c, "tmp").getMountPath(), id);
        assertEquals("clae-config", c.getEnvFrom().get(0).getConfigMapRef().getName(), id);
        assertEquals(
            "metadata.name", env(c, "CLAE_SERVICE_ID").getValueFrom().getFieldRef().getFieldPath());
        assertTrue(
            c.getEnv().stream().noneMatch(e -> e.getName().endsWith("_FILE")),
            id + ": no secret without secrets.*");
      }
      Map<String, String> ann = d.getSpec().getTemplate().getMetadata().getAnnotations();
      assertEquals("true", ann.get("prometheus.io/scrape"), s);
      assertEquals("8080", ann.get("prometheus.io/port"), s);
      assertEquals("/metrics", ann.get("prometheus.io/path"), s);
      assertTrue(ann.containsKey("checksum/config"), s);
      assertEquals(
          d.getSpec().getSelector().getMatchLabels(),
          subset(
              d.getSpec().getTemplate().getMetadata().getLabels(),
              d.getSpec().getSelector().getMatchLabels().keySet()),
          s + ": the selector matches the pod labels");
      assertEquals(
          s, d.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/component"));
    }
  }

  @Test
  void singleWritersRunOneReplicaReplacedWithRecreate() {
    Manifests m = Manifests.render();
    for (String s : List.of("trainer", "coordinator")) {
      Deployment d = m.get(Deployment.class, "clae-" + s);
      assertEquals(1, d.getSpec().getReplicas(), s);
      assertEquals("Recreate", d.getSpec().getStrategy().getType(), s);
    }
    assertEquals(2, m.get(Deployment.class, "clae-adversary").getSpec().getReplicas());
  }

  @Test
  void settingsGoThroughTheConfigMapAndPerServiceEnv() {
    Manifests m = Manifests.render();
    Map<String, String> data = m.get(ConfigMap.class, "clae-config").getData();
    assertEquals("kafka:9092", data.get("CLAE_KAFKA_BOOTSTRAP_SERVERS"));
    assertEquals("clae.", data.get("CLAE_KAFKA_TOPIC_PREFIX"));
    assertEquals("6", data.get("CLAE_KAFKA_TOPIC_PARTITIONS"));
    assertEquals("900000", data.get("CLAE_KAFKA_INLINE_MAX_BYTES"));
    assertEquals("3600000", data.get("CLAE_KAFKA_DATA_RETENTION_MS"));
    assertEquals("http://minio:9000", data.get("CLAE_S3_ENDPOINT"));
    assertEquals("us-east-1", data.get("CLAE_S3_REGION"));
    assertEquals("clae", data.get("CLAE_S3_BUCKET"));
    assertEquals("8080", data.get("CLAE_HTTP_PORT"));
    assertEquals("/var/cache/clae/data", data.get("CLAE_DATA_CACHE_DIR"));

    for (String s : List.of("adversary", "trainer", "evaluator")) {
      Container c = container(m, s);
      assertEquals("cpu", env(c, "CLAE_DEVICE").getValue(), s);
      assertEquals("2", env(c, "CLAE_ENGINE_THREADS").getValue(), s);
      assertEquals("/var/cache/clae/data", mount(c, "data-cache").getMountPath(), s);
    }
    Container coordinator = container(m, "coordinator");
    assertEquals("50051", env(coordinator, "CLAE_GRPC_PORT").getValue());
    assertEquals(50051, port(coordinator, "grpc"));
    assertTrue(coordinator.getEnv().stream().noneMatch(e -> e.getName().equals("CLAE_DEVICE")));

    Service svc = m.get(Service.class, "clae-coordinator");
    assertEquals("ClusterIP", svc.getSpec().getType());
    assertEquals(50051, svc.getSpec().getPorts().get(0).getPort());
    assertEquals("grpc", svc.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    Map<String, String> podLabels =
        m.get(Deployment.class, "clae-coordinator")
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getLabels();
    assertEquals(
        svc.getSpec().getSelector(),
        subset(podLabels, svc.getSpec().getSelector().keySet()),
        "the Service selects the coordinator's pods");
    assertEquals("coordinator", svc.getSpec().getSelector().get("app.kubernetes.io/component"));
  }

  @Test
  void gpuReplicasAndExistingSecretOverrides() throws IOException {
    Path values =
        values(
            """
            image:
              repository: registry.example.com/clae
              tag: "1.2.3"
            kafka:
              topicPartitions: 12
            adversary:
              replicaCount: 5
              image:
                tag: "1.2.3-cu128"
              gpu:
                enabled: true
                count: 2
                nodeSelector:
                  nvidia.com/gpu.present: "true"
            trainer:
              image:
                repository: registry.example.com/clae-gpu/trainer
                tag: "1.2.3-cu128"
              gpu:
                enabled: true
            secrets:
              existingSecret: clae-credentials
            """);
    Manifests m = Manifests.render(values);
    m.assertStructurallyValid();
    assertTrue(m.all(Secret.class).isEmpty(), "an existing Secret is not rendered");

    Deployment adversary = m.get(Deployment.class, "clae-adversary");
    assertEquals(5, adversary.getSpec().getReplicas());
    PodSpec pod = adversary.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    assertEquals("registry.example.com/clae/adversary:1.2.3-cu128", c.getImage());
    assertEquals(new Quantity("2"), c.getResources().getLimits().get("nvidia.com/gpu"));
    assertTrue(c.getResources().getLimits().containsKey("memory"), "other limits are kept");
    assertEquals("gpu", env(c, "CLAE_DEVICE").getValue());
    assertEquals("true", pod.getNodeSelector().get("nvidia.com/gpu.present"));
    assertTrue(
        pod.getTolerations().stream()
            .anyMatch(
                t -> "nvidia.com/gpu".equals(t.getKey()) && "NoSchedule".equals(t.getEffect())),
        "GPU toleration: " + pod.getTolerations());

    Container trainer = container(m, "trainer");
    assertEquals("registry.example.com/clae-gpu/trainer:1.2.3-cu128", trainer.getImage());
    assertEquals(new Quantity("1"), trainer.getResources().getLimits().get("nvidia.com/gpu"));
    assertEquals("gpu", env(trainer, "CLAE_DEVICE").getValue());
    assertEquals(1, m.get(Deployment.class, "clae-trainer").getSpec().getReplicas());

    Container evaluator = container(m, "evaluator");
    assertEquals("registry.example.com/clae/evaluator:1.2.3", evaluator.getImage());
    assertEquals("cpu", env(evaluator, "CLAE_DEVICE").getValue());
    assertFalse(evaluator.getResources().getLimits().containsKey("nvidia.com/gpu"));
    PodSpec evaluatorPod =
        m.get(Deployment.class, "clae-evaluator").getSpec().getTemplate().getSpec();
    assertTrue(evaluatorPod.getNodeSelector().isEmpty(), "no GPU node for the evaluator");
    assertTrue(evaluatorPod.getTolerations().isEmpty());

    for (String s : SERVICES) {
      Deployment d = m.get(Deployment.class, "clae-" + s);
      Container k = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      Volume secrets = volume(d, "secrets");
      assertEquals("clae-credentials", secrets.getSecret().getSecretName(), s);
      assertEquals("/etc/clae/secrets", mount(k, "secrets").getMountPath(), s);
      assertEquals(Boolean.TRUE, mount(k, "secrets").getReadOnly(), s);
      Map<String, String> items =
          secrets.getSecret().getItems().stream()
              .collect(Collectors.toMap(i -> i.getKey(), i -> i.getPath()));
      Map<String, String> expected =
          s.equals("coordinator")
              ? Map.of(
                  "s3-access-key", "s3-access-key",
                  "s3-secret-key", "s3-secret-key",
                  "api-token", "api-token")
              : Map.of("s3-access-key", "s3-access-key", "s3-secret-key", "s3-secret-key");
      assertEquals(expected, items, s + ": secret items");
      assertEquals(
          "/etc/clae/secrets/s3-access-key", env(k, "CLAE_S3_ACCESS_KEY_FILE").getValue(), s);
      assertEquals(
          "/etc/clae/secrets/s3-secret-key", env(k, "CLAE_S3_SECRET_KEY_FILE").getValue(), s);
      Optional<EnvVar> token = findEnv(k, "CLAE_API_TOKEN_FILE");
      assertEquals(s.equals("coordinator"), token.isPresent(), s + ": API token only there");
      token.ifPresent(t -> assertEquals("/etc/clae/secrets/api-token", t.getValue()));
      assertTrue(
          k.getEnv().stream()
              .noneMatch(
                  e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null),
          s + ": secrets come as files, not as variables");
    }
  }

  @Test
  void secretMadeFromValuesStaysOutOfTheConfigMap() throws IOException {
    String access = "AKIAEXAMPLEACCESS";
    String secret = "wJalrXUtnFEMI-example-secret-key";
    String token = "tok-3f9c2a77e1";
    Path values =
        values(
            "secrets:\n"
                + "  create: true\n"
                + "  s3AccessKey: "
                + access
                + "\n  s3SecretKey: "
                + secret
                + "\n  apiToken: "
                + token
                + "\nextraConfig:\n  JAVA_TOOL_OPTIONS: -XX:+ExitOnOutOfMemoryError\n");
    Manifests m = Manifests.render(values);
    m.assertStructurallyValid();

    Secret s = m.get(Secret.class, "clae-secrets");
    Map<String, String> decoded =
        s.getData().entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e ->
                        new String(
                            Base64.getDecoder().decode(e.getValue()), StandardCharsets.UTF_8)));
    assertEquals(
        Map.of("s3-access-key", access, "s3-secret-key", secret, "api-token", token), decoded);

    for (ConfigMap cm : m.all(ConfigMap.class)) {
      for (Map.Entry<String, String> e : cm.getData().entrySet()) {
        for (String v : decoded.values()) {
          assertFalse(e.getKey().contains(v), cm.getMetadata().getName() + " key " + e.getKey());
          assertFalse(
              e.getValue().contains(v), cm.getMetadata().getName() + " value of " + e.getKey());
        }
      }
    }
    for (Deployment d : m.all(Deployment.class)) {
      String name = d.getMetadata().getName();
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      for (EnvVar e : c.getEnv()) {
        for (String v : decoded.values()) {
          assertFalse(e.getValue() != null && e.getValue().contains(v), name + " env " + e);
        }
      }
      assertEquals("clae-secrets", volume(d, "secrets").getSecret().getSecretName(), name);
      assertTrue(
          d.getSpec().getTemplate().getMetadata().getAnnotations().containsKey("checksum/secret"),
          name + ": pods roll when the Secret changes");
    }
    assertTrue(
        findEnv(container(m, "coordinator"), "CLAE_API_TOKEN_FILE").isPresent(),
        "the coordinator reads the token");
  }

  @Test
  void secretWithoutTokenLeavesTheTokenOut() throws IOException {
    Manifests m =
        Manifests.render(values("secrets:\n  create: true\n  s3AccessKey: a\n  s3SecretKey: b\n"));
    assertEquals(
        Set.of("s3-access-key", "s3-secret-key"),
        m.get(Secret.class, "clae-secrets").getData().keySet());
    assertTrue(findEnv(container(m, "coordinator"), "CLAE_API_TOKEN_FILE").isEmpty());
  }

  @Test
  void autoscalerOwnsTheAdversaryReplicas() throws IOException {
    Manifests m =
        Manifests.render(
            values(
                """
                adversary:
                  autoscaling:
                    enabled: true
                    minReplicas: 2
                    maxReplicas: 6
                """));
    m.assertStructurallyValid();
    HorizontalPodAutoscaler hpa = m.get(HorizontalPodAutoscaler.class, "clae-adversary");
    assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
    assertEquals("clae-adversary", hpa.getSpec().getScaleTargetRef().getName());
    assertEquals(2, hpa.getSpec().getMinReplicas());
    assertEquals(6, hpa.getSpec().getMaxReplicas());
    assertEquals("cpu", hpa.getSpec().getMetrics().get(0).getResource().getName());
    assertNull(
        m.get(Deployment.class, "clae-adversary").getSpec().getReplicas(),
        "the autoscaler, not the chart, sets the replicas");
    assertEquals(1, m.get(Deployment.class, "clae-trainer").getSpec().getReplicas());
  }

  @Test
  void dataCacheClaimAndJvmFlagsOverride() throws IOException {
    Manifests m =
        Manifests.render(
            values(
                """
                dataCache:
                  persistence:
                    enabled: true
                    storageClass: shared-nfs
                trainer:
                  jvmFlags: ["-Xmx6g", "-XX:MaxDirectMemorySize=2g"]
                """));
    m.assertStructurallyValid();
    PersistentVolumeClaim pvc = m.get(PersistentVolumeClaim.class, "clae-data-cache");
    assertEquals(List.of("ReadWriteMany"), pvc.getSpec().getAccessModes());
    assertEquals("shared-nfs", pvc.getSpec().getStorageClassName());
    for (String s : List.of("augmenter", "adversary", "trainer", "evaluator")) {
      Volume v = volume(m.get(Deployment.class, "clae-" + s), "data-cache");
      assertEquals("clae-data-cache", v.getPersistentVolumeClaim().getClaimName(), s);
    }
    Deployment coordinator = m.get(Deployment.class, "clae-coordinator");
    assertTrue(
        coordinator.getSpec().getTemplate().getSpec().getVolumes().stream()
            .noneMatch(v -> v.getName().equals("data-cache")),
        "the coordinator reads no dataset");
    assertEquals(
        List.of(
            "java",
            "-Xmx6g",
            "-XX:MaxDirectMemorySize=2g",
            "-cp",
            "@/app/jib-classpath-file",
            "dev.clae.trainer.Main"),
        container(m, "trainer").getCommand());
  }

  @Test
  void contradictoryOrMisplacedSecretsFailTheRender() throws IOException {
    Path both = values("secrets:\n  existingSecret: x\n  create: true\n");
    IllegalStateException e1 =
        assertThrows(IllegalStateException.class, () -> Manifests.render(both));
    assertTrue(e1.getMessage().contains("either existingSecret or create"), e1.getMessage());

    Path inConfig = values("extraConfig:\n  CLAE_S3_SECRET_KEY: oops\n");
    IllegalStateException e2 =
        assertThrows(IllegalStateException.class, () -> Manifests.render(inConfig));
    assertTrue(e2.getMessage().contains("secrets go in secrets.*"), e2.getMessage());

    Path missing = values("secrets:\n  create: true\n");
    IllegalStateException e3 =
        assertThrows(IllegalStateException.class, () -> Manifests.render(missing));
    assertTrue(e3.getMessage().contains("secrets.s3AccessKey is required"), e3.getMessage());
  }

  @Test
  void notesTellHowToReachTheCoordinator() throws IOException {
    Path values =
        values("secrets:\n  existingSecret: clae-credentials\nadversary:\n  replicaCount: 8\n");
    String notes =
        new Helm(Manifests.CHART)
            .install()
            .withName(Manifests.RELEASE)
            .withNamespace(Manifests.NAMESPACE)
            .withKubeVersion(Manifests.KUBE_VERSION)
            .withValuesFile(values)
            .dryRun()
            .withDryRunOption(DryRun.CLIENT)
            .clientOnly()
            .call()
            .getOutput();
    assertTrue(
        notes.contains("kubectl port-forward -n ml svc/clae-coordinator 50051:50051"), notes);
    assertTrue(notes.contains("clae submit --address 127.0.0.1:50051 --token-file FILE"), notes);
    assertTrue(notes.contains("replicas beyond 6 stay idle"), notes);
    assertFalse(notes.contains("no Secret is set"), notes);
  }

  @Test
  void structuralCheckCatchesUnknownFieldsAndKinds() {
    Manifests typo =
        Manifests.parse(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: typo
            spec:
              selector:
                matchLabels: {app: x}
              template:
                metadata:
                  labels: {app: x}
                spec:
                  containers:
                    - name: x
                      image: x
                      livenesProbe:
                        httpGet: {path: /health, port: 8080}
            """);
    AssertionError e1 = assertThrows(AssertionError.class, typo::assertStructurallyValid);
    assertTrue(e1.getMessage().contains("livenesProbe"), e1.getMessage());

    Manifests unknownKind =
        Manifests.parse("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
    AssertionError e2 = assertThrows(AssertionError.class, unknownKind::assertStructurallyValid);
    assertTrue(e2.getMessage().contains("unknown kind"), e2.getMessage());
  }

  private Path values(String yaml) throws IOException {
    Path f = Files.createTempFile(tmp, "values-", ".yaml");
    Files.writeString(f, yaml, StandardCharsets.UTF_8);
    return f;
  }

  private static Container container(Manifests m, String service) {
    return m.get(Deployment.class, "clae-" + service)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  private static Optional<EnvVar> findEnv(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  private static EnvVar env(Container c, String name) {
    return findEnv(c, name)
        .orElseThrow(
            () -> new AssertionError(c.getName() + ": no env " + name + " in " + c.getEnv()));
  }

  private static VolumeMount mount(Container c, String name) {
    return c.getVolumeMounts().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + ": no volume mount " + name));
  }

  private static Volume volume(Deployment d, String name) {
    return d.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(d.getMetadata().getName() + ": no volume " + name));
  }

  private static int port(Container c, String name) {
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + ": no port " + name))
        .getContainerPort();
  }

  private static Map<String, String> subset(Map<String, String> m, Set<String> keys) {
    return m.entrySet().stream()
        .filter(e -> keys.contains(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
