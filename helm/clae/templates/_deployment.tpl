{{/*
The Deployment of one service: dict "root" $ "name" "<service>". Every service has the same
shape: settings from the ConfigMap, secrets as files, probes on /health, a read-only root with
/tmp (and the data cache) as volumes. The trainer and the coordinator always run one replica and
are replaced with Recreate; the adversary's replicas come from values or its autoscaler.
*/}}
{{- define "clae.deployment" -}}
{{- $root := .root }}
{{- $name := .name }}
{{- $v := $root.Values }}
{{- $svc := index $v $name }}
{{- $ctx := dict "root" $root "name" $name }}
{{- $gpu := $svc.gpu | default dict }}
{{- $single := has $name (list "trainer" "coordinator") }}
{{- $secretName := include "clae.secretName" $root }}
{{- $secretItems := include "clae.secretItems" $ctx | fromYamlArray }}
{{- $nodeSelector := $svc.nodeSelector | default $v.nodeSelector | default dict }}
{{- $tolerations := $svc.tolerations | default $v.tolerations | default list }}
{{- if $gpu.enabled }}
{{- $nodeSelector = merge (deepCopy ($gpu.nodeSelector | default dict)) $nodeSelector }}
{{- $tolerations = concat $tolerations ($gpu.tolerations | default list) }}
{{- end }}
{{- $affinity := $svc.affinity | default $v.affinity }}
{{- $podAnnotations := merge (deepCopy ($svc.podAnnotations | default dict)) $v.podAnnotations }}
{{- $podLabels := merge (deepCopy ($svc.podLabels | default dict)) $v.podLabels }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "clae.serviceFullname" $ctx }}
  labels:
    {{- include "clae.serviceLabels" $ctx | nindent 4 }}
spec:
  {{- if $single }}
  replicas: 1
  strategy:
    type: Recreate
  {{- else if eq $name "adversary" }}
  {{- if not $svc.autoscaling.enabled }}
  replicas: {{ $svc.replicaCount }}
  {{- end }}
  {{- else }}
  replicas: 1
  {{- end }}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      {{- include "clae.serviceSelectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "clae.serviceLabels" $ctx | nindent 8 }}
        {{- with $podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        {{- if $v.secrets.create }}
        checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        {{- end }}
        {{- if $v.metrics.annotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $v.httpPort | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "clae.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $v.serviceAccount.automountServiceAccountToken }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: 45
      containers:
        - name: {{ $name }}
          image: {{ include "clae.image" $ctx | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          {{- with $svc.jvmFlags }}
          command:
            - java
            {{- range . }}
            - {{ . | quote }}
            {{- end }}
            - -cp
            - "@/app/jib-classpath-file"
            - {{ printf "dev.clae.%s.Main" $name | quote }}
          {{- end }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $v.httpPort }}
              protocol: TCP
            {{- if eq $name "coordinator" }}
            - name: grpc
              containerPort: {{ $svc.grpcPort }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "clae.configMapName" $root }}
          env:
            - name: CLAE_SERVICE_ID
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: DJL_CACHE_DIR
              value: /tmp/djl
            {{- if include "clae.usesEngine" $ctx }}
            - name: CLAE_DEVICE
              value: {{ if $gpu.enabled }}"gpu"{{ else }}{{ $svc.device | default "cpu" | quote }}{{ end }}
            - name: CLAE_ENGINE_THREADS
              value: {{ $svc.engineThreads | default 0 | quote }}
            {{- end }}
            {{- if eq $name "coordinator" }}
            - name: CLAE_GRPC_PORT
              value: {{ $svc.grpcPort | quote }}
            {{- end }}
            {{- range $secretItems }}
            - name: {{ .env }}
              value: {{ printf "%s/%s" $v.secrets.mountPath .key | quote }}
            {{- end }}
            {{- range $k, $val := $svc.env }}
            - name: {{ $k }}
              value: {{ $val | quote }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /health
              port: http
            periodSeconds: {{ $v.probes.startup.periodSeconds }}
            failureThreshold: {{ $v.probes.startup.failureThreshold }}
            timeoutSeconds: {{ $v.probes.startup.timeoutSeconds }}
          livenessProbe:
            httpGet:
              path: /health
              port: http
            periodSeconds: {{ $v.probes.liveness.periodSeconds }}
            failureThreshold: {{ $v.probes.liveness.failureThreshold }}
            timeoutSeconds: {{ $v.probes.liveness.timeoutSeconds }}
          readinessProbe:
            httpGet:
              path: /health
              port: http
            periodSeconds: {{ $v.probes.readiness.periodSeconds }}
            failureThreshold: {{ $v.probes.readiness.failureThreshold }}
            timeoutSeconds: {{ $v.probes.readiness.timeoutSeconds }}
          resources:
            {{- $resources := deepCopy ($svc.resources | default dict) }}
            {{- if $gpu.enabled }}
            {{- $limits := $resources.limits | default dict }}
            {{- $_ := set $limits $gpu.resourceName ($gpu.count | toString) }}
            {{- $_ := set $resources "limits" $limits }}
            {{- end }}
            {{- toYaml $resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if include "clae.usesDataCache" $ctx }}
            - name: data-cache
              mountPath: {{ $v.dataCache.mountPath }}
            {{- end }}
            {{- if $secretItems }}
            - name: secrets
              mountPath: {{ $v.secrets.mountPath }}
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmp.sizeLimit }}
        {{- if include "clae.usesDataCache" $ctx }}
        - name: data-cache
          {{- if $v.dataCache.persistence.enabled }}
          persistentVolumeClaim:
            claimName: {{ $v.dataCache.persistence.existingClaim | default (printf "%s-data-cache" (include "clae.fullname" $root)) }}
          {{- else }}
          emptyDir:
            sizeLimit: {{ $v.dataCache.sizeLimit }}
          {{- end }}
        {{- end }}
        {{- if $secretItems }}
        - name: secrets
          secret:
            secretName: {{ $secretName }}
            defaultMode: 0440
            items:
              {{- range $secretItems }}
              - key: {{ .key }}
                path: {{ .key }}
              {{- end }}
        {{- end }}
      {{- with $nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
