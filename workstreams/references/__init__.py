"""Cross-references to the wider framework, read: the filters the workstream, update and
decision lists share (``filters``), the API's ``/api/v1/references/`` (``api``) and the pages
``/references/`` and ``/references/<slug>/`` (``views``, ``urls``). The models are
``workstreams.models.references``; the writes ``workstreams.services.references``."""
