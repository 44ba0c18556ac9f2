"""Question slots that are handed out first come, first served.

``threading.Semaphore`` lets a thread that releases a slot take it straight back on its next
``acquire``, ahead of threads already waiting: with closed-loop clients in-process (each asks again
the moment it has its answer), some questions waited a second or more at 8 and 32 threads while
the rest went through (p99 1,020 ms against a median of 20 ms). Here a released slot goes to the
longest waiter, never back into a pool a newcomer could grab.
"""

from __future__ import annotations

import threading
from collections import deque


class FairSlots:
    """``size`` slots, acquired in arrival order (the interface of ``threading.Semaphore``)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("at least one slot")
        self.size = size
        self._free = size
        self._lock = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()  # one locked lock per waiter, oldest first

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return True
            if not blocking:
                return False
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        if turn.acquire(timeout=-1 if timeout is None else max(0.0, timeout)):
            return True  # release() handed this waiter its slot
        with self._lock:
            try:
                self._waiting.remove(turn)
                return False
            except ValueError:
                return True  # handed over between the timeout and this line: the slot is ours

    def release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()  # straight to the oldest waiter
            elif self._free < self.size:
                self._free += 1
            else:
                raise ValueError("released more slots than were acquired")

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
