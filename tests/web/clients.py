"""Network helpers for the tests that run real servers: free ports and clients that trickle."""

from __future__ import annotations

import socket
import threading


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def trickle(port: int, stop: threading.Event, head: bytes, drip: bytes) -> None:
    """Send ``head``, then ``drip`` every half second until ``stop``: a client that never
    finishes its request (its headers, or its body)."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(head)
        while not stop.wait(0.5):
            try:
                s.sendall(drip)
            except OSError:
                return
