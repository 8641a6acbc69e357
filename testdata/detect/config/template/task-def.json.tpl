{
  "family": "{{ family }}",
  "containerDefinitions": [
    {
      "name": "worker",
      "image": "{{ image }}",
      "environment": [
        {"name": "QUEUE_URL", "value": "{{ queue_url }}"},
        {"name": "QUEUE_PASSWORD", "value": "tplQueue-3Zx8"}
      ],
      {% if extra %}"extra": {{ extra | tojson }},{% endif %}
      "cpu": 256
    }
  ]
}
