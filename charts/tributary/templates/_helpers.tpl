{{/* Names: <release>-tributary unless the release is already called tributary... */}}
{{- define "tributary.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tributary.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: include "tributary.selector" (list . "server") */}}
{{- define "tributary.selector" -}}
{{- $ctx := index . 0 -}}
app.kubernetes.io/name: {{ $ctx.Chart.Name }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "tributary.image" -}}
{{- $ctx := index . 0 -}}
{{- printf "%s-%s:%s" $ctx.Values.image.repository (index . 1) (default $ctx.Chart.AppVersion $ctx.Values.image.tag) -}}
{{- end -}}

{{/* The namespace job pods run in. */}}
{{- define "tributary.jobsNamespace" -}}
{{- default .Release.Namespace .Values.config.TRIBUTARY_KUBERNETES_NAMESPACE -}}
{{- end -}}

{{- define "tributary.secretName" -}}
{{- default (printf "%s-secrets" (include "tributary.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* Every component reads the same ConfigMap and Secret (each app ignores what it does not use). */}}
{{- define "tributary.envFrom" -}}
envFrom:
  - configMapRef:
      name: {{ include "tributary.fullname" . }}-env
  - secretRef:
      name: {{ include "tributary.secretName" . }}
{{- end -}}

{{- define "tributary.podDefaults" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* The writable dirs of a read-only root filesystem: the data dir and /tmp. */}}
{{- define "tributary.writableVolumes" -}}
- name: data
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- end -}}
{{- define "tributary.writableMounts" -}}
- name: data
  mountPath: {{ .Values.config.TRIBUTARY_DATA_DIR }}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* The storage dir: the shared claim when given (server and worker), else inside the data dir's emptyDir. */}}
{{- define "tributary.storageVolume" -}}
{{- if .Values.storage.existingClaim }}
- name: storage
  persistentVolumeClaim:
    claimName: {{ .Values.storage.existingClaim }}
{{- end }}
{{- end -}}
{{- define "tributary.storageMount" -}}
{{- if .Values.storage.existingClaim }}
- name: storage
  mountPath: {{ default (printf "%s/storage" .Values.config.TRIBUTARY_DATA_DIR) .Values.config.TRIBUTARY_STORAGE_DIR }}
{{- end }}
{{- end -}}

{{/* --- cron and web UI --- */}}
{{/* The host the ingress serves the API on: apiHost, or the UI's host when there is no web UI; empty: none. */}}
{{- define "tributary.ingressApiHost" -}}
{{- if .Values.ingress.enabled -}}
{{- if .Values.ingress.apiHost -}}
{{- .Values.ingress.apiHost -}}
{{- else if not .Values.webapp.enabled -}}
{{- .Values.ingress.host -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The API's public URL: config.TRIBUTARY_PUBLIC_URL, else the ingress's API host; empty when unknown. */}}
{{- define "tributary.publicApiUrl" -}}
{{- if .Values.config.TRIBUTARY_PUBLIC_URL -}}
{{- .Values.config.TRIBUTARY_PUBLIC_URL -}}
{{- else -}}
{{- with include "tributary.ingressApiHost" . -}}
{{- printf "%s://%s" (ternary "https" "http" (gt (len $.Values.ingress.tls) 0)) . -}}
{{- end -}}
{{- end -}}
{{- end -}}
