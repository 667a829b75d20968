"""How far an import has got: a bar on a terminal, a plain line now and then in a log."""

import time
from typing import TextIO

from tqdm import tqdm

from intake.register_import import Report

EVERY_LINES = 10_000
EVERY_SECONDS = 5.0


class ProgressBar:
    """tqdm's bar, with the rate and the time left from the file's number of lines."""

    def __init__(self, stream: TextIO, total_lines: int):
        self._bar = tqdm(total=total_lines, unit=" lines", file=stream, dynamic_ncols=True)

    def __call__(self, report: Report) -> None:
        self._bar.update(report.read - self._bar.n)
        self._bar.set_postfix(rejected=report.rejected, refresh=False)

    def close(self) -> None:
        self._bar.close()


class ProgressLines:
    """Where no one watches a bar (a log, a pipe): a line every 10,000 lines or 5 seconds."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._started = self._last_time = time.monotonic()
        self._last_read = 0
        self._report: Report | None = None

    def __call__(self, report: Report) -> None:
        self._report = report
        now = time.monotonic()
        if report.read - self._last_read >= EVERY_LINES or now - self._last_time >= EVERY_SECONDS:
            self._write(report, now)

    def close(self) -> None:
        """The last count, so that a log always ends with where the import got to."""
        if self._report is not None and self._report.read != self._last_read:
            self._write(self._report, time.monotonic())

    def _write(self, report: Report, now: float) -> None:
        rate = report.read / max(now - self._started, 1e-9)
        self._stream.write(
            f"{report.read} lines read ({rate:.0f} lines/s): {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, "
            f"{report.rejected} rejected\n"
        )
        self._stream.flush()
        self._last_read, self._last_time = report.read, now


def count_lines(path: str) -> int:
    """The file's lines, read in blocks: a pass over a large file costs little memory and time."""
    count = 0
    last = b"\n"
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")
