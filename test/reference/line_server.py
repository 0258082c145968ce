"""The request loop of the reference scripts (hf_reference.py, gguf_reference.py): one JSON request
per line on stdin, one JSON answer per line on stdout, so a test keeps one Python process (imports
done once) for all its checks."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any]], Any]


def serve(handlers: dict[str, Handler]) -> None:
    """Says it is ready (imports done), then answers requests line by line until stdin closes; a
    request runs handlers[request["cmd"]], and an error answers {"error": message}."""
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            answer = handlers[req["cmd"]](req)
        except Exception as err:  # noqa: BLE001 - the test reports it
            answer = {"error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
