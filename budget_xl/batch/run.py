"""Running the per-file work: in this process, in worker processes, or on a dask.distributed cluster.

Each runner calls ``on_result`` as files finish (for the progress bar) and returns results in input order,
so the report is the same whichever runner made it.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable

from budget_xl.batch.inputs import Document, document_name
from budget_xl.batch.work import FileResult, check_file, warm_up

OnResult = Callable[[FileResult], None]
CONNECT_TIMEOUT = "20s"  # how long to wait for a dask scheduler before giving up


def run_local(files: list[Document], jobs: int = 1, on_result: OnResult | None = None) -> list[FileResult]:
    """``jobs`` worker processes (concurrent.futures); 1 = in this process, no start-up cost. Each item a file
    or the PDFs of one document (``batch.inputs.documents``)."""
    names = [document_name(f) for f in files]
    sent = {document_name(f): _absolute(f) for f in files}
    results: dict[str, FileResult] = {}

    def done(name: str, res: FileResult) -> None:
        res.path = name
        results[name] = res
        if on_result:
            on_result(res)

    if jobs <= 1 or len(names) <= 1:
        for n in names:
            done(n, check_file(sent[n]))
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        from budget_xl.lifecycle import start_worker

        forked = _prepare_fork()
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=start_worker)
        try:
            futures = {pool.submit(check_file, sent[n]): n for n in names}
            if forked:  # the workers exist (a forking pool starts them all at the first submit)
                gc.unfreeze()
            for fut in as_completed(futures):
                done(futures[fut], fut.result())
        except BaseException:  # Ctrl+C, SIGTERM: stop the workers now rather than after the queue
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            raise
        pool.shutdown()
    return [results[n] for n in names]


def _prepare_fork() -> bool:
    """Where workers are forked (Linux), warm up here once (``warm_up``) so that every worker starts with the
    imports and schemas done, and freeze what is loaded so far out of the workers' garbage collection (it is
    never garbage: scanning it again on every full collection is pure cost). False where workers are spawned."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        return False
    warm_up()
    gc.freeze()
    return True


def _absolute(doc: Document) -> str | tuple[str, ...]:
    """Workers get absolute paths (messages then read the same from every runner); a link keeps its own
    name (resolving it would report a link whose file is gone under the missing file's name)."""
    if isinstance(doc, tuple):
        return tuple(os.path.abspath(p) for p in doc)
    return os.path.abspath(doc)


def run_dask(files: list[Document], address: str, on_result: OnResult | None = None) -> list[FileResult]:
    """The same ``check_file`` on a dask.distributed cluster; the workers must see the same paths
    (a shared folder), so absolute paths are sent."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        from budget_xl.errors import InputError

        raise InputError("使用 --dask 需要安装 dask.distributed：pip install \"budget-xl[scale]\"。") from None
    names = [document_name(f) for f in files]
    absolute = [_absolute(f) for f in files]
    results: dict[str, FileResult] = {}
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as e:
        from budget_xl.errors import InputError

        why = (f"{CONNECT_TIMEOUT} 秒内没有应答" if isinstance(e, TimeoutError) or "timed out" in str(e).lower()
               else "连接被拒绝或地址无效")
        raise InputError(f"无法连接 dask 调度器“{address}”：{why}。请检查地址和端口，以及调度器是否已启动。") from None
    try:
        futures = client.map(check_file, absolute, pure=False)
        index = {f.key: n for f, n in zip(futures, names)}
        for fut in as_completed(futures):
            res = fut.result()
            res.path = index[fut.key]  # report the path as the user gave it, same as a local run
            results[res.path] = res
            if on_result:
                on_result(res)
    finally:
        client.close()
    return [results[n] for n in names]
