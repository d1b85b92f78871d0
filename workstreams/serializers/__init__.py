"""The API's serializers, one module a concept: ``progress`` (updates, proposals, decisions),
``timeline`` (workstreams and their status at each meeting), ``jobs`` and ``webhooks``."""
