"""The speed budget measured over HTTP (``manage.py bench_http``, ``make bench-http``): gunicorn
on PostgreSQL at N times the EMG record, grown as the in-process benchmark grows it
(``workstreams/management/benchmark.py``). It lives under ``management/``, beside its command:
no page, API view or task imports it, and it needs the in-process benchmark's growth and pages.
"""
