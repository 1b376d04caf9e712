"""Pure parts and error paths of the sandbox, with a fake Docker client (no engine needed)."""

from __future__ import annotations

import math
import os
import struct
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pytest
from docker.errors import APIError, DockerException, ImageNotFound

from sandbox import (
    CompileStatus,
    ContainerFailed,
    EngineUnavailable,
    HarnessError,
    ImageMissing,
    Job,
    JobRejected,
    Limits,
    Runtime,
    SandboxConfig,
    TestInput,
    TestStatus,
    api,
    run,
)
from sandbox.container import container_spec, owner_id, owner_is_alive
from sandbox.harness import protocol
from sandbox.results import Ending, build_result, decoded_value, outcome_from_frame
from sandbox.stream import Demuxer, FrameReader

JOB = Job(source="def f(x):\n    return x\n", entry_point="f", tests=[TestInput("1", [1])])


class FakeImages:
    def __init__(self, missing: bool) -> None:
        self.missing = missing

    def get(self, name: str) -> Any:
        if self.missing:
            raise ImageNotFound(name)
        return type("Image", (), {"id": "sha256:fake"})()


class FakeContainers:
    def create(self, **kwargs: Any) -> Any:
        raise APIError("create refused")


class FakeClient:
    def __init__(self, *, missing_image: bool = False) -> None:
        self.images, self.containers = FakeImages(missing_image), FakeContainers()


@pytest.fixture
def fake_client(monkeypatch: pytest.MonkeyPatch) -> FakeClient:
    client = FakeClient()
    monkeypatch.setattr(api, "get_client", lambda config: client)
    return client


def test_engine_unavailable_is_a_sandbox_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**kwargs: Any) -> Any:
        raise DockerException("connection refused")

    monkeypatch.setattr(api.docker, "DockerClient", refuse)
    with pytest.raises(EngineUnavailable, match="scripts/docker-setup"):
        run(JOB, config=SandboxConfig(base_url="unix:///nonexistent.sock"))


def test_missing_image(fake_client: FakeClient) -> None:
    fake_client.images.missing = True
    with pytest.raises(ImageMissing, match="scripts/docker-setup"):
        run(JOB)


def test_container_create_failure(fake_client: FakeClient) -> None:
    with pytest.raises(ContainerFailed, match="could not create"):
        run(JOB)


@pytest.mark.parametrize(
    ("job", "message"),
    [
        (Job(source="x" * (300 << 10), entry_point="f", tests=[]), "source is"),
        (Job(source="", entry_point="not valid", tests=[]), "identifier"),
        (Job(source="", entry_point="f", tests=[], language="cobol"), "not supported"),
        (Job(source="", entry_point="f", tests=[TestInput("a", []), TestInput("a", [])]), "unique"),
        (Job(source="", entry_point="f", tests=[TestInput("a", [math.nan])]), "finite JSON"),
        (Job(source="", entry_point="f", tests=[], limits=Limits(cpu_seconds=0)), "positive"),
    ],
)
def test_jobs_rejected_before_the_engine_is_asked(job: Job, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "get_client", lambda config: pytest.fail("the engine was contacted"))
    with pytest.raises(JobRejected, match=message):
        run(job)


def test_spec_is_hardened() -> None:
    spec = container_spec(SandboxConfig(), Limits(memory_mb=100, tmpfs_mb=8), "r1")
    assert spec["network_mode"] == "none" and spec["read_only"] and spec["init"]
    assert spec["cap_drop"] == ["ALL"] and spec["security_opt"] == ["no-new-privileges"]
    assert spec["mem_limit"] == spec["memswap_limit"] == "300m"
    assert spec["environment"] == {} and spec["user"] == "10001:10001"
    assert "noexec" in spec["tmpfs"]["/tmp"] and spec["log_config"]["Type"] == "none"
    assert spec["pids_limit"] == 32 and {u["Name"] for u in spec["ulimits"]} == {"nofile", "fsize", "core"}


def test_gvisor_spec_bounds_processes_with_nproc() -> None:
    spec = container_spec(SandboxConfig(runtime=Runtime.RUNSC), Limits(pids=16), "r1")
    assert spec["runtime"] == "runsc" and spec["pids_limit"] >= 256
    assert {"Name": "nproc", "Soft": 16, "Hard": 16} in spec["ulimits"]


def test_lossless_json_of_answers() -> None:
    value = (np.float64(0.1), np.int64(3), np.array([[1, 2]], dtype=np.int32), [math.inf, -math.inf], np.bool_(True))
    encoded = protocol.to_jsonable(value)
    assert encoded[0] == 0.1 and type(encoded[1]) is int and encoded[2] == [[1, 2]] and encoded[4] is True
    decoded = decoded_value(encoded)
    assert decoded[3] == [math.inf, -math.inf] and math.isnan(decoded_value(protocol.to_jsonable(math.nan)))


@pytest.mark.parametrize(
    "value",
    [{"__float__": "abc"}, {"__float__": 1}, {"__float__": None}, [{"__float__": "1e999x"}], {"__float__": ["nan"]}],
)
def test_a_returned_dict_that_looks_like_a_float_tag_stays_a_dict(value: Any) -> None:
    # A candidate's function returned it: decoding must not fail (it used to raise ValueError and crash grading).
    encoded = protocol.to_jsonable(value)
    assert decoded_value(encoded) == value
    outcome = outcome_from_frame("t1", {"status": "ok", "value": encoded})
    assert outcome.status == TestStatus.OK and outcome.value == value


@pytest.mark.parametrize("value", [object(), {1: 2}, 1j, np.array([1j])])
def test_unserialisable_answers(value: Any) -> None:
    with pytest.raises(protocol.UnserializableError):
        protocol.to_jsonable(value)


def test_frames_need_the_nonce_and_noise_is_capped() -> None:
    reader = FrameReader("n1", max_frame_bytes=200, max_noise_bytes=1000)
    reader.feed(protocol.encode_frame("n2", {"kind": "done"}) + b"@@loopwright:n1 not json\n")
    reader.feed(protocol.encode_frame("n1", {"kind": "compile", "status": "ok"})[:10])
    reader.feed(protocol.encode_frame("n1", {"kind": "compile", "status": "ok"})[10:])
    assert reader.frames == [{"kind": "compile", "status": "ok"}] and not reader.done
    reader.feed(b"x" * 5000)
    assert reader.overflowed


def test_demuxer_splits_streams_across_chunks() -> None:
    raw = struct.pack(">BxxxL", 1, 3) + b"abc" + struct.pack(">BxxxL", 2, 2) + b"de"
    demuxer = Demuxer()
    assert demuxer.feed(raw[:5]) == []
    assert demuxer.feed(raw[5:]) == [(1, b"abc"), (2, b"de")]


def test_harness_error_frame_raises() -> None:
    with pytest.raises(HarnessError):
        build_result(
            JOB, [{"kind": "harness_error", "message": "x"}], Ending(), image="i", digest="d", runtime="runc", wall=0
        )


def test_missing_frames_are_reported_per_ending() -> None:
    frames = [{"kind": "compile", "status": "ok"}]
    common = {"image": "i", "digest": "d", "runtime": "runc", "wall": 0.0}
    assert build_result(JOB, frames, Ending(overran=True), **common).outcomes[0].status == TestStatus.TIMEOUT
    assert build_result(JOB, frames, Ending(oom_killed=True), **common).outcomes[0].status == TestStatus.MEMORY
    assert build_result(JOB, frames, Ending(), **common).outcomes[0].status == TestStatus.CRASHED
    assert build_result(JOB, [], Ending(), **common).compile_status == CompileStatus.IMPORT_ERROR


def test_owner_is_alive_tells_a_live_a_reaped_and_a_zombie_owner_apart() -> None:
    assert owner_is_alive(owner_id()) is True
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    for _ in range(100):  # exited but not reaped: a zombie still answers signal 0
        with open(f"/proc/{zombie.pid}/stat") as stat:
            if stat.read().rpartition(")")[2].split()[0] == "Z":
                break
        time.sleep(0.05)
    assert owner_is_alive(owner_id(zombie.pid)) is False
    zombie.wait()
    assert owner_is_alive(owner_id(zombie.pid)) is False  # reaped: gone
    assert owner_is_alive(f"another-host:{os.getpid()}") is None  # cannot be told from here
    assert owner_is_alive("") is None
