"""Webhooks, one job a module: ``validation`` (URL, secret), ``addresses`` (which addresses may
be called), ``payloads`` (events' data, body, signature), ``client`` (the HTTP exchange),
``retries`` (backoff, pausing, resending) and ``services`` (subscriptions, events, delivering).
Called from outside through ``delivery.interface`` only."""
