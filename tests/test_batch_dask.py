"""batch --dask: the same per-file work on a dask.distributed cluster gives the identical report."""

import pytest

from budget_xl.cli import main
from budget_xl.synth import generate
from tests.test_batch import report_values

distributed = pytest.importorskip("distributed")


def test_a_local_dask_cluster_gives_the_identical_report(tmp_path):
    d = tmp_path / "in"
    plants = generate(3, d, seed=5, errors=2)
    (d / "broken.xlsx").write_bytes(b"not a workbook")
    local = tmp_path / "local.xlsx"
    assert main(["batch", str(d), "--report", str(local), "--jobs", "1"]) == 1
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        remote = tmp_path / "dask.xlsx"
        assert main(["batch", str(d), "--report", str(remote), "--dask", cluster.scheduler_address]) == 1
    assert report_values(remote) == report_values(local)
    cells = {c for row in report_values(remote)["明细"][1:] for c in row[4].split("、")}
    assert all(p.cell in cells for p in plants)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, capsys, monkeypatch):
    from budget_xl.batch import run

    monkeypatch.setattr(run, "CONNECT_SECONDS", 2)
    generate(1, tmp_path, seed=1)
    assert main(["batch", str(tmp_path), "--dask", "tcp://127.0.0.1:9"]) == 2
    assert "无法连接 dask 调度器" in capsys.readouterr().err


def test_a_port_where_nothing_listens_is_said_at_once_as_refused(tmp_path, capsys):
    """No retrying until dask's timeout: the port is free (bound, then released), the connection refused."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    generate(1, tmp_path, seed=1)
    assert main(["batch", str(tmp_path), "--dask", f"tcp://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert f"该主机的 {port} 端口没有程序在监听（连接被拒绝）" in err and "Traceback" not in err, err


def test_a_host_that_does_not_resolve_is_named(tmp_path, capsys):
    generate(1, tmp_path, seed=1)
    assert main(["batch", str(tmp_path), "--dask", "tcp://no-such-host.invalid:8786"]) == 2
    assert "找不到主机“no-such-host.invalid”" in capsys.readouterr().err
