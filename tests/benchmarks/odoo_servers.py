"""Odoo servers the benchmarks start beside them: free loopback ports, the wait for a server's
first answer, and its stop."""

import http.client
import os
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(process, port, name="the server", seconds=120):
    """Wait until ``process`` answers /web/login on ``port`` (it loads its registry first); stop
    it and exit if it dies or stays silent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} stopped at start (exit {process.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/web/login")
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(process)
    raise SystemExit(f"{name} did not answer within {seconds} s")


def stop_server(process, seconds=30):
    """SIGTERM to the server's process group (started with ``start_new_session``), SIGKILL if it
    is still there after ``seconds``."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
