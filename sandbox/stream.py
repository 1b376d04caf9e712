"""Host-side reading of a container's attach stream: demultiplexing and nonce-framed results."""

from __future__ import annotations

import struct
from typing import Any

from sandbox.harness import protocol

STDOUT, STDERR = 1, 2
HEADER = struct.Struct(">BxxxL")


class Demuxer:
    """Splits Docker's multiplexed (non-TTY) attach stream into (stream id, payload) pieces."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        self._buffer += data
        pieces: list[tuple[int, bytes]] = []
        while len(self._buffer) >= HEADER.size:
            stream, size = HEADER.unpack_from(self._buffer)
            if len(self._buffer) < HEADER.size + size:
                break
            pieces.append((stream, bytes(self._buffer[HEADER.size : HEADER.size + size])))
            del self._buffer[: HEADER.size + size]
        return pieces


class FrameReader:
    """Collects the frames carrying this run's nonce from stdout; everything else is noise, counted.

    ``overflowed`` turns true when noise or a single line passes its cap: the caller kills the
    container then (a flood must not grow the worker's memory).
    """

    def __init__(self, nonce: str, *, max_frame_bytes: int, max_noise_bytes: int) -> None:
        self.nonce, self.max_frame, self.max_noise = nonce, max_frame_bytes, max_noise_bytes
        self.frames: list[dict[str, Any]] = []
        self.noise_bytes, self.overflowed, self.done = 0, False, False
        self._line = bytearray()
        self._discarding = False

    def feed(self, data: bytes) -> None:
        start = 0
        while start < len(data):
            end = data.find(b"\n", start)
            piece = data[start:] if end < 0 else data[start:end]
            self._take(piece)
            if end < 0:
                return
            self._end_line()
            start = end + 1

    def _take(self, piece: bytes) -> None:
        if self._discarding:
            self._noise(len(piece))
        elif len(self._line) + len(piece) > self.max_frame:
            self._noise(len(self._line) + len(piece))
            self._line.clear()
            self._discarding = True
        else:
            self._line += piece

    def _end_line(self) -> None:
        if not self._discarding and self._line:
            payload = protocol.parse_frame(bytes(self._line), self.nonce)
            if payload is None:
                self._noise(len(self._line))
            else:
                self.frames.append(payload)
                self.done = self.done or payload.get("kind") == "done"
        self._line.clear()
        self._discarding = False

    def _noise(self, count: int) -> None:
        self.noise_bytes += count
        if self.noise_bytes > self.max_noise:
            self.overflowed = True


class Excerpt:
    """First ``keep`` bytes of a stream, and its total size."""

    def __init__(self, keep: int) -> None:
        self.keep, self.data, self.total = keep, bytearray(), 0

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        if len(self.data) < self.keep:
            self.data += data[: self.keep - len(self.data)]

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")
