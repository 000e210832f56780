"""A small terminal progress bar for seeding and bulk commands (no dependency)."""

import sys
import time


class ProgressBar:
    def __init__(self, total: int, label: str = "", stream=None, width: int = 30):
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream or sys.stdout
        self.width = width
        self.done = 0
        self.started = time.monotonic()
        self._last_draw = 0.0

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        now = time.monotonic()
        if self.done == self.total or now - self._last_draw > 0.1:
            self._last_draw = now
            self.draw()

    def draw(self) -> None:
        filled = int(self.width * self.done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.monotonic() - self.started
        end = "\n" if self.done >= self.total else ""
        self.stream.write(f"\r{self.label:<28} [{bar}] {self.done}/{self.total} {elapsed:5.1f}s{end}")
        self.stream.flush()

    def __enter__(self):
        self.draw()
        return self

    def __exit__(self, *exc):
        if self.done < self.total and not any(exc):
            self.done = self.total
            self.draw()
        return False
