"""Keep Python's cyclic garbage collector off what lives as long as the process.

Loading the encoder imports torch, transformers, sympy, scipy and scikit-learn: some 470,000 objects
(functions, tuples, dicts, cells) that are never garbage, out of ~500,000 in a warmed-up service on the
seeds. CPython 3.11 traverses every one of them in each full collection, and as answers fill the
service's caches a full collection comes every thousand or so fresh questions and takes 250-300 ms with
the interpreter held: 0.23-0.27 ms of CPU per answer, an eighth of an answer's Python (measured with
``gc.callbacks`` over 1,100 fresh questions, vectors given), and a 300 ms stall for every question in
flight. ``gc.freeze`` moves the objects alive at that moment into a permanent generation that no
collection visits again; full collections then cost what the index and the caches hold.

What is frozen is never cycle-collected, so it happens once per process, after the model has loaded and
before an index is open (``QAService.freeze_libraries``), since an index a later write replaces would
otherwise stay in memory; and only where asked (the server at start-up, the benchmarks): a library
embedded in another program does not decide for that program's objects. Reference counting still frees
frozen objects that hold no cycle.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_frozen = False


def freeze_long_lived() -> bool:
    """Freeze every object alive now (``gc.freeze``), the first time in this process; whether this call did.
    No collection first: a full one costs 0.3 s, and the garbage it would find is a one-off few objects."""
    global _frozen
    with _lock:
        if _frozen:
            return False
        gc.freeze()
        _frozen = True
        return True
