package dev.clae.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The chart rendered by the embedded Helm and parsed into typed fabric8 objects: every document of
 * the output, with lookups by kind and name and a check that the model knows every kind and field.
 */
final class Manifests {
  /** The chart, relative to this module's folder (where Surefire runs). */
  static final Path CHART = Path.of("clae").toAbsolutePath();

  /** The release name the tests render with; objects are named {@code clae-<service>}. */
  static final String RELEASE = "clae";

  /** The namespace the tests render into. */
  static final String NAMESPACE = "ml";

  /**
   * The cluster version the tests render for; without one the embedded Helm assumes v1.20, below
   * the chart's kubeVersion.
   */
  static final String KUBE_VERSION = "1.30.0";

  /** fabric8's YAML mapper: typed objects for every kind it knows, one per document. */
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final String yaml;
  private final List<HasMetadata> objects;

  private Manifests(String yaml, List<HasMetadata> objects) {
    this.yaml = yaml;
    this.objects = objects;
  }

  /** Renders the chart with its default values and the given values files, in that order. */
  static Manifests render(Path... valuesFiles) {
    TemplateCommand t =
        new Helm(CHART)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    for (Path f : valuesFiles) {
      t = t.withValuesFile(f);
    }
    return parse(t.call());
  }

  /** Parses helm's multi-document output into typed objects. */
  static Manifests parse(String yaml) {
    Object parsed =
        SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    List<HasMetadata> out = new ArrayList<>();
    collect(parsed, out);
    return new Manifests(yaml, out);
  }

  private static void collect(Object parsed, List<HasMetadata> out) {
    if (parsed == null) {
      return;
    }
    if (parsed instanceof KubernetesList list) {
      out.addAll(list.getItems());
    } else if (parsed instanceof Collection<?> c) {
      for (Object o : c) {
        collect(o, out);
      }
    } else if (parsed instanceof HasMetadata h) {
      out.add(h);
    } else {
      fail("not a Kubernetes object: " + parsed.getClass().getName());
    }
  }

  /** Returns the rendered text. */
  String yaml() {
    return yaml;
  }

  /** Returns every object. */
  List<HasMetadata> all() {
    return objects;
  }

  /** Returns every object of one type. */
  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  /** Returns the object of a type and name, failing when there is none. */
  <T extends HasMetadata> T get(Class<T> type, String name) {
    for (T o : all(type)) {
      if (name.equals(o.getMetadata().getName())) {
        return o;
      }
    }
    fail("no " + type.getSimpleName() + " named " + name + " in " + kindsAndNames());
    return null;
  }

  /** Returns {@code Kind/name} of every object, in output order. */
  List<String> kindsAndNames() {
    return objects.stream()
        .map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .collect(Collectors.toList());
  }

  /**
   * Checks that fabric8 knows every kind (no {@link GenericKubernetesResource}) and every field (no
   * {@code additionalProperties} anywhere in the object graph): a misspelt or misplaced field would
   * otherwise be dropped silently by the API server or rejected by it only at install time.
   */
  void assertStructurallyValid() {
    for (HasMetadata o : objects) {
      String id = o.getKind() + "/" + o.getMetadata().getName();
      assertTrue(
          !(o instanceof GenericKubernetesResource),
          id + ": unknown kind " + o.getApiVersion() + " " + o.getKind());
      assertNotNull(o.getMetadata().getName(), id + ": no name");
      List<String> unknown = new ArrayList<>();
      unknownFields(o, id, unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
      assertEquals(List.of(), unknown, id + ": fields the Kubernetes model does not have");
    }
  }

  private static void unknownFields(Object o, String path, List<String> out, Set<Object> seen) {
    if (o == null || !seen.add(o)) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        unknownFields(e, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Class<?> k = o.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        Object value;
        try {
          f.setAccessible(true);
          value = f.get(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
          continue;
        }
        if (f.getName().equals("additionalProperties") && value instanceof Map<?, ?> m) {
          if (!m.isEmpty()) {
            out.add(path + ": " + m.keySet());
          }
        } else if (!(value instanceof Map<?, ?>)) {
          unknownFields(value, path + "." + f.getName(), out, seen);
        }
      }
    }
  }
}
