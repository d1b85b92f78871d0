"""The secretariat's workspace for the workstreams app: one module per part of it. Importing
each registers its model admins with the admin site."""

# isort: off
# In the order they registered before the admin was split, so its URL list keeps its order.
from workstreams.admin import workstreams, progress, decisions, users, background, webhooks
from workstreams.admin import inputs, following
from workstreams.admin import references

# isort: on

__all__ = [
    "background",
    "decisions",
    "following",
    "inputs",
    "progress",
    "references",
    "users",
    "webhooks",
    "workstreams",
]
