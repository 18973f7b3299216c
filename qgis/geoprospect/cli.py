"""Running the geoprospect binary for an algorithm.

The binary is the provider setting's, else `$GEOPROSPECT_BIN`'s, else the first `geoprospect`
on PATH; one that is missing or older than `MIN_VERSION` is one clear error. It runs with
`--progress json`: its JSON lines on stderr become the progress bar and the log, its other
stderr lines warnings, and its one-line `error: ...` message the algorithm's error. Cancelling
kills it and removes what it left beside the outputs (its `.staging-<pid>` folder, `.<name>.tmp-
<pid>` files and lock), so a cancelled run leaves no partial output.
"""
import glob
import json
import os
import queue
import re
import shlex
import shutil
import subprocess
import threading

from processing.core.ProcessingConfig import ProcessingConfig
from qgis.core import QgsProcessingException

BINARY_SETTING = "GEOPROSPECT_BINARY"
"""The provider setting naming the binary."""

MIN_VERSION = (0, 2, 0)
"""The oldest geoprospect with `--progress json`."""


def find_binary():
    """The geoprospect binary to run: the setting, `$GEOPROSPECT_BIN` or PATH's."""
    configured = (ProcessingConfig.getSetting(BINARY_SETTING) or "").strip()
    environment = os.environ.get("GEOPROSPECT_BIN", "").strip()
    named = configured or environment
    if named:
        if not (os.path.isfile(named) and os.access(named, os.X_OK)):
            source = "the provider setting" if configured else "$GEOPROSPECT_BIN"
            raise QgsProcessingException(
                f"geoprospect binary {named} (from {source}) is not an executable file"
            )
        return named
    found = shutil.which("geoprospect")
    if found is None:
        raise QgsProcessingException(
            "geoprospect not found: put it on PATH or set its path in Processing > Options > "
            "Providers > geoprospect"
        )
    return found


def check_version(binary):
    """Raises unless `binary --version` says geoprospect MIN_VERSION or later."""
    wanted = ".".join(map(str, MIN_VERSION))
    try:
        said = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=60, check=False
        ).stdout
    except OSError as e:
        raise QgsProcessingException(f"cannot run geoprospect binary {binary}: {e}") from e
    match = re.match(r"geoprospect (\d+)\.(\d+)\.(\d+)", said)
    if match is None:
        raise QgsProcessingException(
            f"{binary} is not geoprospect (--version said {said.strip()!r})"
        )
    version = tuple(int(v) for v in match.groups())
    if version < MIN_VERSION:
        raise QgsProcessingException(
            f"geoprospect {'.'.join(map(str, version))} at {binary} is too old: the QGIS "
            f"provider needs {wanted} or later"
        )


def run(arguments, feedback, outputs):
    """Runs `geoprospect --progress json ARGUMENTS`, following it in `feedback`; `outputs` are
    the paths the command writes (files or folders). Returns its stdout (the summary). Raises
    with the command's one-line message when it fails; returns None when cancelled."""
    binary = find_binary()
    check_version(binary)
    command = [binary, "--progress", "json", *arguments]
    feedback.pushCommandInfo(" ".join(shlex.quote(a) for a in command))
    missing = [p for p in outputs if not os.path.exists(p)]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    lines = queue.Queue()
    readers = [
        threading.Thread(target=_read, args=(stream, name, lines), daemon=True)
        for stream, name in ((process.stdout, "out"), (process.stderr, "err"))
    ]
    for reader in readers:
        reader.start()
    summary, errors, progress = [], [], Progress(feedback)
    while any(r.is_alive() for r in readers) or not lines.empty():
        if feedback.isCanceled() and process.poll() is None:
            process.kill()
            process.wait()
            remove_leftovers(process.pid, outputs, missing)
            feedback.reportError("cancelled: geoprospect stopped, nothing written", False)
            return None
        try:
            stream, line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        if stream == "out":
            summary.append(line)
            feedback.pushInfo(line)
        elif line.startswith("error: "):
            errors.append(line[len("error: "):])
        elif progress.follow(line):
            continue
        elif line.strip():
            feedback.pushWarning(line.strip())
    if process.wait() != 0:
        raise QgsProcessingException(
            errors[-1] if errors else f"geoprospect exited with status {process.returncode}"
        )
    return "\n".join(summary)


def _read(stream, name, lines):
    """Puts each line of `stream` on `lines` as (name, line)."""
    for line in stream:
        lines.put((name, line.rstrip("\n")))
    stream.close()


class Progress:
    """The `--progress json` events of one command in a feedback: a stage's start is the
    progress text and a log line (indented by depth); the bar is the share done of the
    outermost stage, counting the shares of the stages inside it (a run's 7 phases, the blocks
    of the layer being ingested within the second), and never moves back (a phase's next inner
    stage starts from 0)."""

    def __init__(self, feedback):
        self.feedback = feedback
        self.open = []  # [done, total] of the open stages, outermost first
        self.shown = 0.0

    def follow(self, line):
        """Follows one stderr line; False when it is not a progress event."""
        try:
            event = json.loads(line)
            depth = event["depth"]
            kind = event["event"]
        except (ValueError, KeyError, TypeError):
            return False
        self._show(event, kind, depth)
        return True

    def _show(self, event, kind, depth):
        del self.open[depth:]
        if kind == "stage":
            self.open.append([0, event["total"]])
            self.feedback.setProgressText(event["stage"])
            self.feedback.pushInfo("  " * depth + event["stage"])
            return
        self.open.append([event["done"], event["total"]])
        share = 0.0
        for done, total in reversed(self.open):
            if total:
                share = min(1.0, (done + share) / total)
        if kind == "finish":
            self.open.pop()
        self.shown = max(self.shown, share)
        self.feedback.setProgress(100.0 * self.shown)


def remove_leftovers(pid, outputs, missing):
    """Removes what the killed process `pid` left for `outputs`: its staging folder, temporary
    files and lock beside or inside each output, and the output folders (in `missing`) it
    created that are now empty."""
    for path in outputs:
        for folder in {path, os.path.dirname(path) or "."}:
            if not os.path.isdir(folder):
                continue
            shutil.rmtree(os.path.join(folder, f".staging-{pid}"), ignore_errors=True)
            for tmp in glob.glob(os.path.join(glob.escape(folder), f".*.tmp-{pid}")):
                os.remove(tmp)
            lock = os.path.join(folder, ".geoprospect.lock")
            try:
                with open(lock, encoding="utf-8") as f:
                    held = f.read().strip() == str(pid)
            except OSError:
                held = False
            if held:
                os.remove(lock)
    for path in missing:
        if os.path.isdir(path) and not os.listdir(path):
            os.rmdir(path)
