"""Gunicorn settings for the site: ``gunicorn -c python:config.gunicorn`` (docs/deployment.md,
"Request and upload limits"). Command-line options and GUNICORN_CMD_ARGS override them.

Sync workers, each serving one request at a time, behind a reverse proxy that buffers whole
request bodies (nginx does by default) and times out slow clients: the proxy absorbs slow or
lying clients, so a worker only ever gets a complete request. Served straight to the internet,
one slow client would hold one sync worker until ``timeout``.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"

# A worker silent this long (a request stuck on a client or a query) is killed and replaced; the
# slowest legitimate request, re-encoding a 40-megapixel upload, takes a few seconds.
timeout = 30
graceful_timeout = 30
# Request line and headers: gunicorn's own bounds, stated so they are not loosened by accident.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Workers are replaced now and then, so slow leaks cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
