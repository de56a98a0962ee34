"""The engine stands alone: importing it loads neither sympy nor flask (nor torch), and
one thread's grad mode never leaks into another thread."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import engine

FORBIDDEN = ("sympy", "flask", "torch")
PROBE = (
    "import json, sys\n"
    "import engine, engine.gradcheck, engine.nn.functional\n"
    "x = engine.ones(2, requires_grad=True)\n"
    "(x * x).sum().backward()\n"
    "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
)


def test_import_engine_loads_no_sympy_flask_or_torch():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(json.loads(done.stdout))
    assert "engine" in loaded and "numpy" in loaded
    assert loaded.isdisjoint(FORBIDDEN), sorted(loaded & set(FORBIDDEN))


def _in_thread(target) -> tuple[threading.Thread, list]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_no_grad_in_one_thread_does_not_affect_another():
    inside, checked = threading.Event(), threading.Event()
    seen = {}

    def holder() -> None:
        with engine.no_grad():
            seen["holder_enabled"] = engine.is_grad_enabled()
            inside.set()
            assert checked.wait(10)
            seen["holder_still_disabled"] = not engine.is_grad_enabled()
            x = engine.ones(2, requires_grad=True)
            seen["holder_records"] = (x * 2).requires_grad

    def other() -> None:
        assert inside.wait(10)
        seen["other_enabled"] = engine.is_grad_enabled()
        x = engine.ones(2, requires_grad=True)
        y = x * 2
        seen["other_records"] = (y.requires_grad, type(y.grad_fn).__name__)
        checked.set()

    threads = [_in_thread(holder), _in_thread(other)]
    for thread, errors in threads:
        thread.join(10)
        assert not errors, errors
    assert seen == {
        "holder_enabled": False,
        "other_enabled": True,
        "other_records": (True, "MulBackward0"),
        "holder_still_disabled": True,
        "holder_records": False,
    }
    assert engine.is_grad_enabled()


def test_set_grad_enabled_call_and_decorator_stay_in_their_thread():
    barrier = threading.Barrier(2, timeout=10)
    seen = {}

    @engine.no_grad()
    def decorated() -> bool:
        barrier.wait()  # 1: both threads are inside their own mode
        barrier.wait()  # 2: the other thread has looked at its own mode
        return engine.is_grad_enabled()

    def switcher() -> None:
        engine.set_grad_enabled(False)
        barrier.wait()  # 1
        seen["switcher"] = engine.is_grad_enabled()
        barrier.wait()  # 2
        engine.set_grad_enabled(True)

    def decorated_thread() -> None:
        seen["decorated"] = decorated()
        seen["after_decorator"] = engine.is_grad_enabled()

    threads = [_in_thread(switcher), _in_thread(decorated_thread)]
    for thread, errors in threads:
        thread.join(10)
        assert not errors, errors
    assert seen == {"switcher": False, "decorated": False, "after_decorator": True}
    assert engine.is_grad_enabled()


def test_a_new_thread_starts_with_grad_enabled():
    seen = []
    with engine.no_grad():
        thread, errors = _in_thread(lambda: seen.append(engine.is_grad_enabled()))
        thread.join(10)
    assert not errors
    assert seen == [True]
