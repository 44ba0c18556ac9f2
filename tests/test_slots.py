"""Question slots go to waiters in arrival order; a thread that releases one cannot take it straight back."""

from __future__ import annotations

import threading
import time

import pytest

from qa.slots import FairSlots


def _wait_until(condition, seconds: float = 5.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_waiters_get_released_slots_in_arrival_order() -> None:
    slots = FairSlots(1)
    assert slots.acquire()
    order: list[str] = []

    def waiter(name: str) -> None:
        with slots:
            order.append(name)

    threads = []
    for name in "abcd":
        t = threading.Thread(target=waiter, args=(name,))
        t.start()
        threads.append(t)
        _wait_until(lambda: len(slots._waiting) == len(threads))  # this one is queued before the next starts
    slots.release()
    for t in threads:
        t.join(timeout=5)
    assert order == list("abcd")


def test_a_released_slot_is_not_taken_back_ahead_of_a_waiter() -> None:
    slots = FairSlots(1)
    assert slots.acquire()
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire(timeout=5)))
    waiter.start()
    _wait_until(lambda: len(slots._waiting) == 1)
    slots.release()
    assert not slots.acquire(blocking=False)  # handed to the waiter, not back to the pool
    waiter.join(timeout=5)
    assert got == [True]
    slots.release()
    assert slots.acquire(blocking=False)


def test_timeouts_give_up_their_place_and_counts_stay_right() -> None:
    slots = FairSlots(2)
    assert slots.acquire() and slots.acquire()
    started = time.monotonic()
    assert not slots.acquire(timeout=0.05)
    assert time.monotonic() - started >= 0.04 and not slots._waiting
    assert not slots.acquire(blocking=False)
    slots.release()
    slots.release()
    assert slots.acquire(blocking=False) and slots.acquire(blocking=False)
    slots.release()
    slots.release()
    with pytest.raises(ValueError):
        slots.release()


def test_busy_threads_share_the_slots_evenly_and_never_exceed_them() -> None:
    """Closed loops (each thread asks again at once): every thread gets its turns (a plain semaphore
    let some threads wait a second while others went round), and never more than ``size`` at once."""
    slots = FairSlots(2)
    counts = [0] * 6
    inside, most = [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + 0.6

    def loop(n: int) -> None:
        while time.monotonic() < stop:
            with slots:
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.002)
                counts[n] += 1
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert most[0] == 2
    assert min(counts) >= 0.6 * max(counts), counts
