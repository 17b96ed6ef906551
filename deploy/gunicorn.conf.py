"""gunicorn settings for hsbp's web processes, behind nginx (a VM) or Caddy (the containers).

Installed as /etc/hsbp/gunicorn.conf.py and in the container image; hsbp-web.service and the
image run `gunicorn --config <this file> "hsbp:create_app()"`. Flags on the command line and
GUNICORN_CMD_ARGS win over what is set here; WEB_CONCURRENCY sets the number of workers.
"""

import multiprocessing
import os

# The proxy on the same machine is the only client; another web machine's nginx reaches it
# through its own bind address (see deploy/README.md, "More web machines").
bind = ["127.0.0.1:8000"]

# Synchronous workers: nginx buffers slow phones' requests and answers, so a worker is busy
# only while the app itself works. Two per core and one more is gunicorn's own advice.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# The progress report as a PDF in every language is the slowest page; nginx waits 90 s.
timeout = 60
graceful_timeout = 30

# A worker is replaced now and then, so a slow leak in a library never grows for weeks.
max_requests = 2000
max_requests_jitter = 200

# X-Forwarded-* is read by the app itself (HSBP_TRUST_PROXY=1); gunicorn is told only that
# the local proxy may say the request came over HTTPS.
forwarded_allow_ips = "127.0.0.1,::1"

# nginx or Caddy keeps the access log (with the request id); the app logs what happened
# inside. Errors go to stderr: the journal, or the container's log.
accesslog = None
errorlog = "-"

# gunicorn 25.1 and later open a control socket in $HOME by default: two gunicorns of one
# user would fight over it, and a read-only container has nowhere to put it. systemd and the
# container runtime manage the processes instead. (Older gunicorns ignore the setting.)
control_socket_disable = True


def child_exit(server, worker):
    """A worker that ended leaves Prometheus files behind: its gauges must leave /metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
