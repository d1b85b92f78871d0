"""Following workstreams by e-mail (docs/notices.md#following-a-workstream).

- ``tokens``: the signed links (confirm, manage, unsubscribe);
- ``followers``: the writes of a follower: ask to follow, confirm, follow, unfollow, stop;
- ``events``: the messages an event calls for, written in the caller's transaction and handed
  to the outbox (a publish, a status change, the daily run for the agenda of coming meetings);
- ``mail``: sending one message, once, and the confirmation and "my link" e-mails.

The rest of the code reaches them through ``delivery/interface.py``.
"""
