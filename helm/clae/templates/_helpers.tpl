{{/*
The chart's name, or nameOverride.
*/}}
{{- define "clae.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's full name: fullnameOverride, else <release>-<chart> (just <release> when it
already holds the chart's name). Service objects are <fullname>-<service>.
*/}}
{{- define "clae.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "clae.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every object.
*/}}
{{- define "clae.labels" -}}
helm.sh/chart: {{ include "clae.chart" . }}
{{ include "clae.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: clae
{{- end }}

{{/*
Selector labels of the release.
*/}}
{{- define "clae.selectorLabels" -}}
app.kubernetes.io/name: {{ include "clae.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of one service's objects: dict "root" $ "name" "<service>".
*/}}
{{- define "clae.serviceLabels" -}}
{{ include "clae.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/*
Selector labels of one service's pods: dict "root" $ "name" "<service>".
*/}}
{{- define "clae.serviceSelectorLabels" -}}
{{ include "clae.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/*
Name of one service's objects: dict "root" $ "name" "<service>".
*/}}
{{- define "clae.serviceFullname" -}}
{{- printf "%s-%s" (include "clae.fullname" .root | trunc 50 | trimSuffix "-") .name }}
{{- end }}

{{/*
The service account's name.
*/}}
{{- define "clae.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "clae.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the ConfigMap of shared settings.
*/}}
{{- define "clae.configMapName" -}}
{{- printf "%s-config" (include "clae.fullname" .) }}
{{- end }}

{{/*
Name of the Secret the pods mount: secrets.existingSecret, the chart's own one when
secrets.create, else empty (no secret).
*/}}
{{- define "clae.secretName" -}}
{{- if and .Values.secrets.existingSecret .Values.secrets.create }}
{{- fail "secrets: set either existingSecret or create, not both" }}
{{- end }}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else if .Values.secrets.create }}
{{- printf "%s-secrets" (include "clae.fullname" .) }}
{{- end }}
{{- end }}

{{/*
The secret items one service mounts, as YAML: a list of {env, key}. Every service gets the S3
keys; the coordinator also gets the API token. A Secret made by the chart holds the token only
when secrets.apiToken is set; with an existing Secret, an empty key name leaves that item out.
dict "root" $ "name" "<service>".
*/}}
{{- define "clae.secretItems" -}}
{{- $s := .root.Values.secrets }}
{{- $items := list }}
{{- if include "clae.secretName" .root }}
{{- if $s.keys.s3AccessKey }}
{{- $items = append $items (dict "env" "CLAE_S3_ACCESS_KEY_FILE" "key" $s.keys.s3AccessKey) }}
{{- end }}
{{- if $s.keys.s3SecretKey }}
{{- $items = append $items (dict "env" "CLAE_S3_SECRET_KEY_FILE" "key" $s.keys.s3SecretKey) }}
{{- end }}
{{- if and (eq .name "coordinator") $s.keys.apiToken (or $s.existingSecret $s.apiToken) }}
{{- $items = append $items (dict "env" "CLAE_API_TOKEN_FILE" "key" $s.keys.apiToken) }}
{{- end }}
{{- end }}
{{- toYaml $items }}
{{- end }}

{{/*
The image of one service: <service>.image overrides image. dict "root" $ "name" "<service>".
*/}}
{{- define "clae.image" -}}
{{- $svc := index .root.Values .name }}
{{- $own := $svc.image | default dict }}
{{- $repository := $own.repository | default (printf "%s/%s" .root.Values.image.repository .name) }}
{{- $tag := $own.tag | default .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}

{{/*
Whether a service uses the data cache volume (the services that read datasets).
*/}}
{{- define "clae.usesDataCache" -}}
{{- if has .name (list "augmenter" "adversary" "trainer" "evaluator") }}true{{ end }}
{{- end }}

{{/*
Whether a service runs the deep learning engine (device and engine threads apply).
*/}}
{{- define "clae.usesEngine" -}}
{{- if has .name (list "adversary" "trainer" "evaluator") }}true{{ end }}
{{- end }}
