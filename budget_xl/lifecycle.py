"""How a run of ``budget-xl`` ends, whatever ends it: Ctrl+C, SIGTERM, a full disk.

Installed once, from the package's first import when the process is the command line (``install``):

- Ctrl+C prints “已中断。” and exits 130, SIGTERM “已终止。” and 143 — in the first second (while modules
  are still being imported) as later, never a ``KeyboardInterrupt`` traceback;
- every temporary file an atomic write made (``.主表.xxxx.tmp.xlsx``) is removed, on a signal as on any
  other exit;
- after a write failed (disk full, file too large), the half-built writer objects are collected at once
  and silently: no ``Exception ignored in ZipFile.__del__`` after the Chinese message.
"""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

INTERRUPTED = "已中断。输入文件没有被修改，也没有留下写了一半的文件。"
TERMINATED = "已终止（收到结束信号）。输入文件没有被修改，也没有留下写了一半的文件。"
CPU_EXCEEDED = ("已终止：超出了本程序可用的处理器时间上限（ulimit -t）。请提高上限或把文件分开处理。"
                "输入文件没有被修改，也没有留下写了一半的文件。")

_temps: set[str] = set()
_lock = threading.Lock()
_guarded = False        # True while cli.main's handlers can turn the signal into an exit code
_quiet = 0              # > 0 while a failed writer's garbage is being collected
_installed = False


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that ``finally`` blocks run (a BaseException: no
    ``except Exception`` swallows it)."""
    message = TERMINATED
    code = 143


class CpuExceeded(Terminated):
    """SIGXCPU: the processor-time limit (``ulimit -t``) was reached; its default action was a core dump
    (“CPU time limit exceeded (core dumped)”, temporary files left behind)."""
    message = CPU_EXCEEDED
    code = 128 + 24


_ENDINGS = {signal.SIGTERM: Terminated, **({signal.SIGXCPU: CpuExceeded} if hasattr(signal, "SIGXCPU") else {})}


# -- temporary files -------------------------------------------------------------------------------
def register_temp(path: str | Path) -> None:
    with _lock:
        _temps.add(os.path.abspath(path))


def unregister_temp(path: str | Path) -> None:
    with _lock:
        _temps.discard(os.path.abspath(path))


def is_temp(path: str | Path) -> bool:
    """True for a temporary file of a write in progress (a nested atomic write writes it directly)."""
    return os.path.abspath(path) in _temps


def remove_temps() -> None:
    with _lock:
        paths = list(_temps)
        _temps.clear()
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


# -- signals ------------------------------------------------------------------------------------------
def _on_signal(signum, frame) -> None:
    remove_temps()
    if _guarded and threading.current_thread() is threading.main_thread():
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise _ENDINGS[signum]
    ending = _ENDINGS.get(signum)
    _say(ending.message if ending else INTERRUPTED)
    os._exit(ending.code if ending else 130)


def _say(text: str) -> None:
    try:
        sys.stderr.write(f"\n{text}\n")
        sys.stderr.flush()
    except Exception:  # a closed console: the exit code says it
        pass


def finishing() -> None:
    """The command is done: a processor-time signal now would only kill the interpreter as it finishes
    (Python restores the default action, a core dump, while it shuts down)."""
    if hasattr(signal, "SIGXCPU") and threading.current_thread() is threading.main_thread():
        try:
            signal.signal(signal.SIGXCPU, signal.SIG_IGN)
        except (ValueError, OSError):
            pass


@contextmanager
def guarded():
    """While inside, a signal is raised as KeyboardInterrupt / Terminated for ``cli.main`` to answer."""
    global _guarded
    before = _guarded
    _guarded = True
    try:
        yield
    finally:
        _guarded = before


def ignore_interrupts() -> None:
    """In a worker process: Ctrl+C is the parent's to answer (it stops the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def quiet_libraries() -> None:
    """The libraries' own warnings (openpyxl's “Defined names for sheet index 99 cannot be located”,
    pdfminer's, pandas') are English and say nothing a user can act on: what they concern is read as well as
    it can be, and what matters is reported by the checks, in Chinese. Kept with BUDGET_XL_DEBUG=1."""
    if not os.environ.get("BUDGET_XL_DEBUG"):
        import warnings

        warnings.simplefilter("ignore")


def start_worker() -> None:
    """A batch worker process: interrupts left to the parent, libraries quiet (a process started by “spawn”
    does not run the command line's entry point)."""
    ignore_interrupts()
    quiet_libraries()
    from budget_xl import limits

    limits.too_small()  # under ``ulimit -v`` the BLAS libraries are loaded first, while memory is free


def _unraisable(hook):
    def quiet_hook(unraisable):
        if _quiet or (isinstance(unraisable.exc_value, OSError) and "ZipFile.__del__" in repr(unraisable.object)):
            return  # a writer that failed was already reported in Chinese
        hook(unraisable)
    return quiet_hook


def install() -> None:
    """Signal handlers, temp-file cleanup at exit, and the quiet unraisable hook; once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, *_ENDINGS):
            try:
                signal.signal(sig, _on_signal)
            except (ValueError, OSError):  # not allowed here (embedded interpreter)
                pass
    atexit.register(remove_temps)
    sys.unraisablehook = _unraisable(sys.unraisablehook)


def is_command_line() -> bool:
    """This process is ``budget-xl …`` or ``python -m budget_xl …`` (not a library user, not pytest)."""
    name = Path(sys.argv[0]).name.lower() if sys.argv and sys.argv[0] else ""
    if name in ("budget-xl", "budget-xl.exe", "budget-xl-script.py"):
        return True
    argv = getattr(sys, "orig_argv", [])
    return any(a == "-m" and b in ("budget_xl", "budget_xl.cli") for a, b in zip(argv, argv[1:]))


# -- a writer that failed --------------------------------------------------------------------------------
def discard_failed_writer(exc: BaseException) -> None:
    """Close, without writing, every zip writer the failed call left behind, and collect its garbage now
    with the unraisable hook quiet: nothing more is printed about a write already reported."""
    global _quiet
    _quiet += 1
    hook, sys.unraisablehook = sys.unraisablehook, lambda unraisable: None
    try:
        tb = exc.__traceback__
        while tb is not None:
            for v in list(tb.tb_frame.f_locals.values()):
                _abandon(v)
                for attr in list(getattr(v, "__dict__", {}).values()):
                    _abandon(attr)
            tb = tb.tb_next
        import traceback

        traceback.clear_frames(exc.__traceback__)
        for linked in (exc.__context__, exc.__cause__):
            if linked is not None and linked.__traceback__ is not None:
                traceback.clear_frames(linked.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook
        _quiet -= 1


def _abandon(v) -> None:
    if type(v).__name__ == "generator" and getattr(v, "gi_frame", None) is not None:
        try:  # an XML stream writer stopped half-way: finish it now, while errors are expected
            v.close()
        except BaseException:
            pass
        return
    if isinstance(v, zipfile.ZipFile) and getattr(v, "fp", None) is not None and v.mode != "r":
        fp, v.fp = v.fp, None  # ZipFile.close() (and __del__) now return at once
        v._writing = False
        try:
            if not v._filePassed:
                fp.close()
        except Exception:
            pass
