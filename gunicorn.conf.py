"""gunicorn settings for production; each value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:5000")
# Threaded workers keep connections alive: a phone on 2G pays a 300 ms round trip for every
# new TCP connection, and sync workers close each connection after one response. Requests are
# short and database-bound, so a few threads per process keep both cores busy.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Slow 2G uploads are buffered by the client body read; a generous timeout avoids killing a
# worker that is still receiving a large sync batch over a 250 kbit/s link.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Long enough to carry a sync's pages and the next save's sync on one connection; each idle
# connection holds a thread only while it waits.
keepalive = 15
# Build the app once, in the master, and fork the workers from it: each worker used to import
# and build it again (~0.45 s of CPU apiece, at every start and every respawn), and the forked
# workers share its memory until they write to it (wsgi.py freezes it out of the collector's way).
preload_app = True
# The control socket's default path is shared by every gunicorn on the machine; we don't use it.
control_socket_disable = True
accesslog = "-"
errorlog = "-"


def post_fork(server, worker):
    """Give each worker its own database connections."""
    from server.forking import forget_inherited_connections

    forget_inherited_connections(worker.app.wsgi())
