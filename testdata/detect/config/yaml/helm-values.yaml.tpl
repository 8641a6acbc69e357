database:
  host: {{ .Values.db.host }}
  password: {{ .Values.db.password | quote }}
  user: orders
redis:
  password: tplRedis-2Wq8
{{- if .Values.extra }}
extra: {{ toYaml .Values.extra | nindent 2 }}
{{- end }}
