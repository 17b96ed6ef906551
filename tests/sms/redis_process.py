"""A Redis server of a test's own, on a free port, that it can restart empty: the shared
server is left alone (other runs use it), and a restart is a real one."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis


class RedisProcess:
    """`redis-server` without persistence: stopping it loses every key, as a Redis restarted
    without its data does."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary = binary
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen | None = None

    def start(self) -> RedisProcess:
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        arguments += ["--appendonly", "no", "--daemonize", "no"]
        self._process = subprocess.Popen(  # noqa: S603  (the installed redis-server)
            [self.binary, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return self
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def restart(self) -> None:
        """Down and up again, empty."""
        self.stop()
        self.start()
