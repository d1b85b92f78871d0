"""What the meetings app announces that Django's own signals do not: rows written in bulk."""

from django.dispatch import Signal

# Sent with ``people``, the list of Person rows just created by ``bulk_create`` (which sends no
# post_save), in the writer's transaction. The search index listens (search/index.py).
people_added = Signal()
