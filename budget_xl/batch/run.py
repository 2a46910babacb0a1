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
CONNECT_SECONDS = 20  # how long to wait for a dask scheduler (connection and handshake) before giving up
GRACE_SECONDS = 5  # beyond CONNECT_SECONDS, for dask's own timeout to be the one said when it fires


def run_local(files: list[Document], jobs: int = 1, on_result: OnResult | None = None) -> list[FileResult]:
    """``jobs`` worker processes (concurrent.futures); 1 = in this process, no start-up cost. Each item a file
    or the PDFs of one document (``batch.inputs.documents``)."""
    sent = {document_name(f): _absolute(f) for f in files}  # name as reported → the paths a worker gets
    names = list(sent)
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
            procs = list((getattr(pool, "_processes", None) or {}).values())  # None once the pool is shut down
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in procs:
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


def connect(client_class, address: str):
    """A dask ``Client`` on ``address``, or a Chinese InputError saying why not, within ``CONNECT_SECONDS``.

    dask's own timeout covers the TCP connection, not the handshake: ``--dask`` pointed at something that is not
    a scheduler — its dashboard (HTTP, port 8787), another service — waited for ever. What such a service
    answers was read as a frame length (MemoryError “Unable to allocate 3.07 EiB”), and an address without a
    port or with another scheme (“abc”, “http://x”) was a ValueError: each ended in exit 3 (内部错误). So the
    address is checked first, the connection is made in a thread given a deadline (a thread left waiting is a daemon: it does not keep the
    process), and each way it fails is said."""
    import threading

    from budget_xl.errors import InputError

    _dial(_check_address(address), address)
    done: dict = {}

    def attempt():
        try:
            done["client"] = client_class(address, timeout=f"{CONNECT_SECONDS}s")
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread, said there
            done["error"] = e

    t = threading.Thread(target=attempt, name="dask-connect", daemon=True)
    t.start()
    t.join(CONNECT_SECONDS + GRACE_SECONDS)
    fail = f"无法连接 dask 调度器“{address}”："
    hint = "请检查地址和端口，以及调度器是否已启动。"
    if t.is_alive() or isinstance(done.get("error"), TimeoutError) or "timed out" in str(done.get("error", "")).lower():
        raise InputError(f"{fail}{CONNECT_SECONDS} 秒内没有应答（该地址上的服务可能不是 dask 调度器，如仪表板的 8787 端口）。{hint}")
    e = done.get("error")
    if e is None:
        return done["client"]
    if isinstance(e, KeyboardInterrupt):
        raise e
    if isinstance(e, OSError):
        raise InputError(f"{fail}连接被拒绝或地址无效。{hint}") from None
    raise InputError(f"{fail}对方的应答不是 dask 调度器的应答（可能是网页服务或其他程序，如仪表板的 8787 端口）。{hint}") from None


def _check_address(address: str) -> tuple[str, int] | None:
    """An address dask can dial (“abc” has no port, “http://x” another scheme): said before connecting, so that a
    ValueError while connecting is the answer of something that is not a scheduler. Its host and port when it is
    dialled over TCP (tcp, tls, ws, wss), else None."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    from budget_xl.errors import InputError

    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        return parse_host_port(location) if scheme in ("tcp", "tls", "ws", "wss") else None
    except ValueError:
        raise InputError(f"“{address}”不是有效的 dask 调度器地址：应写成 tcp://主机:端口，如 tcp://10.0.0.5:8786。") from None


def _dial(host_port: tuple[str, int] | None, address: str) -> None:
    """A TCP connection to the scheduler's ``host_port`` (``_check_address``'s), tried once before dask's client:
    nothing listening there (refused), a host that does not resolve or cannot be reached is said at once — dask
    retried a refused connection until its whole timeout had passed (20 s of a reviewer waiting for a typo)."""
    import socket

    from budget_xl.errors import InputError

    if host_port is None:
        return
    host, port = host_port
    fail = f"无法连接 dask 调度器“{address}”："
    try:
        socket.create_connection((host, port), timeout=CONNECT_SECONDS).close()
    except socket.gaierror:
        raise InputError(f"{fail}找不到主机“{host}”（主机名写错，或不在本网络中）。请检查地址。") from None
    except ConnectionRefusedError:
        raise InputError(f"{fail}该主机的 {port} 端口没有程序在监听（连接被拒绝）。请检查端口，以及调度器是否已启动。") from None
    except TimeoutError:
        raise InputError(f"{fail}{CONNECT_SECONDS} 秒内连接不上（主机关机、被防火墙阻挡或不在本网络中）。请检查地址。") from None
    except OSError:
        raise InputError(f"{fail}网络不可达或地址无效。请检查地址和端口，以及调度器是否已启动。") from None


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
    client = connect(Client, address)
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
