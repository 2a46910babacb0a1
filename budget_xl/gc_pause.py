"""The cyclic garbage collector paused while a workbook is read or checked.

Reading and checking make hundreds of thousands of small objects (rows, cells as tuples, figures) and keep
nearly all of them to the end; each automatic collection walks everything alive, so on a 5,000-row workbook
collecting cost more than the relations themselves (protos 205 ms with the collector, 39 ms without). Nothing
they make forms a cycle that must be freed early; whatever does is collected once the collector is back on.
"""

from __future__ import annotations

import functools
import gc


def paused_gc(fn):
    """Run ``fn`` with the collector off; the outermost call turns it back on (a nested call, or a collector
    the caller had turned off, is left as found)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper
