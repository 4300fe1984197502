"""Progress of a long build: the callback the pipeline calls, and a terminal bar for it.

The build (kg.build.build_corpus → kg.parallel.map_sources) takes an optional `progress`
object and calls

    progress.stage(name, total=None)   a stage starts (read, map, link, relate, write); `total`:
                                       the characters the map stage will go through
    progress.advance(chars, documents) one input is done: its characters and documents

`Bar` shows them with tqdm on a terminal: stage, characters done of the total, characters per
second, documents done. `kg build` uses it only when stderr is a terminal and --quiet is not given.
"""
from __future__ import annotations

import sys


class Bar:
    """A tqdm progress bar on stderr (or `file`)."""

    def __init__(self, file=None):
        self.file = file or sys.stderr
        self.bar = None
        self.documents = 0

    def stage(self, name: str, total: int | None = None) -> None:
        from tqdm import tqdm

        if total is not None and self.bar is not None:  # a counted stage starts: a bar with a total
            self.bar.close()
            self.bar = None
        if self.bar is None:  # the first stage, a counted one, or one after close() (messages printed)
            counted = "{n_fmt}/{total_fmt} chars " if total else ""
            self.bar = tqdm(total=total, desc=name, unit="char", unit_scale=True, file=self.file,
                            dynamic_ncols=True, leave=False, mininterval=0.2,
                            bar_format="{desc:7} " + ("{percentage:3.0f}%|{bar}| " if total else "")
                                       + counted + "[{elapsed}" + ("<{remaining}, {rate_fmt}" if total else "")
                                       + "{postfix}]")
            self._postfix()
        else:
            self.bar.set_description_str(name, refresh=False)
            self.bar.refresh()

    def advance(self, chars: int, documents: int) -> None:
        if self.bar is None:
            self.stage("map")
        self.documents += documents
        self._postfix()
        self.bar.update(chars)

    def _postfix(self) -> None:
        self.bar.set_postfix_str(f"{self.documents} documents" if self.documents else "", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def for_terminal(quiet: bool = False, file=None) -> Bar | None:
    """A Bar when `file` (stderr) is a terminal and the user did not ask for quiet, else None."""
    file = file or sys.stderr
    isatty = getattr(file, "isatty", None)
    return Bar(file) if not quiet and isatty is not None and isatty() else None
