"""The model store: a tracked catalog of default models, their download and verification.

This is the only module that touches the network, and only inside ``download``, with
plain HTTPS GETs of the hub's pinned file URLs (huggingface_hub builds the URLs and
headers; ``HF_ENDPOINT`` points elsewhere). Files land in ``models_dir()/<name>/`` with
the hub's own relative paths, via a ``.part`` file that a dropped connection, a failed
run or Ctrl+C leaves behind and the next attempt continues with an HTTP Range request.
Every file is checked against the catalog's sha256 before it counts as present.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from samantha.config import tomllib
from samantha.errors import SamanthaError
from samantha.models import paths

ENGINES = ("stt", "llm", "voice", "turn")
RETRIES = 5  # attempts in a row that bring no new bytes before a download gives up
STALL_S = 30.0  # ...or this long without a new byte, however many attempts that was
READ_TIMEOUT_S = 15.0  # a read that waits this long is a stalled server


class DownloadFailed(Exception):
    """Why a download stopped, in words, and whether running it again can help."""

    def __init__(self, reason: str, again_helps: bool):
        super().__init__(reason)
        self.reason, self.again_helps = reason, again_helps


def failure(exc: BaseException, url: str) -> DownloadFailed:
    """What went wrong, said plainly: the name, the refusal, the silence, or the server's answer."""
    import socket
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url
    reason = exc.reason if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError) else exc
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code == 404:
            return DownloadFailed("the server does not have it (HTTP 404): this model's catalog entry may be out of "
                                  "date; update Samantha", False)
        if exc.code in (401, 403):
            return DownloadFailed(f"the server refused it (HTTP {exc.code}): the model may need a Hugging Face login "
                                  "(huggingface-cli login) or its licence accepted on its page", False)
        return DownloadFailed(f"the server answered HTTP {exc.code} ({exc.reason})", exc.code >= 500)
    if isinstance(reason, socket.gaierror):
        return DownloadFailed(f"the name {host} could not be resolved: there is no network connection, or no DNS",
                              False)
    if isinstance(reason, ConnectionRefusedError):
        return DownloadFailed(f"{host} refused the connection", False)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return DownloadFailed(f"{host} sent nothing for {READ_TIMEOUT_S:g} s", True)
    return DownloadFailed(f"{reason}", True)
CATALOG = Path(__file__).with_name("catalog.toml")


@dataclass(frozen=True)
class ModelFile:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    engine: str
    repo: str
    revision: str
    license: str
    description: str
    files: tuple[ModelFile, ...]
    default: bool = False

    def folder(self, root: Path | None = None) -> Path:
        return (root or paths.models_dir()) / self.name

    def main_path(self, root: Path | None = None) -> Path:
        """What the engine loads: the Whisper folder, the .gguf file or the voice's .onnx."""
        suffix = {"stt": "model.bin", "llm": ".gguf", "voice": ".onnx"}[self.engine]
        main = next(f for f in self.files if f.path.endswith(suffix))
        target = self.folder(root) / main.path
        return target.parent if self.engine == "stt" else target


def load_catalog(path: Path | None = None) -> dict[str, CatalogEntry]:
    """The catalog at ``path``; by default ``$SAMANTHA_CATALOG`` if set (tests point it at
    a catalog of their own), else the tracked ``catalog.toml`` beside this module."""
    path = path or Path(os.environ.get("SAMANTHA_CATALOG") or CATALOG)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = {}
    for name, raw in data.items():
        files = tuple(ModelFile(f["path"], f["sha256"].lower(), int(f["size"])) for f in raw["files"])
        entries[name] = CatalogEntry(
            name=name, engine=raw["engine"], repo=raw["repo"], revision=raw["revision"],
            license=raw["license"], description=raw["description"], files=files,
            default=bool(raw.get("default", False)),
        )
    return entries


def resolve(engine: str, spec: str, root: Path | None = None) -> Path:
    """Turn a catalog name or a path into the path the engine loads, or explain what is missing."""
    catalog = load_catalog()
    if spec in catalog:
        entry = catalog[spec]
        if entry.engine != engine:
            raise SamanthaError(f"'{spec}' is a {entry.engine} model, not a {engine} model; see: samantha models list")
        for f in entry.files:
            target = entry.folder(root) / f.path
            if (why := _quick_problem(target, f)) == "missing":
                raise SamanthaError(
                    f"The {engine} model '{spec}' is not downloaded (missing {target}). "
                    f"To fix it, run: samantha models download {spec}"
                )
            if why:
                raise SamanthaError(
                    f"The {engine} model file {target} is truncated or corrupt ({why}). "
                    f"To fix it, run: samantha models download {spec}"
                )
        return entry.main_path(root)
    path = Path(spec).expanduser()
    if not path.exists():
        raise SamanthaError(
            f"No {engine} model at {path}: give an existing path or a catalog name "
            f"({', '.join(n for n, e in catalog.items() if e.engine == engine)}); "
            f"to get the defaults, run: samantha models download"
        )
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _quick_problem(target: Path, f: ModelFile) -> str | None:
    """What can be told without reading the file: is it there, and is its size right."""
    if not target.is_file():
        return "missing"
    if target.stat().st_size != f.size:
        return f"size {target.stat().st_size} bytes, expected {f.size}"
    return None


def file_problem(entry: CatalogEntry, f: ModelFile, root: Path | None = None) -> str | None:
    """Why one downloaded file is not usable, or None when it is present and intact."""
    target = entry.folder(root) / f.path
    if why := _quick_problem(target, f):
        return why
    if sha256_of(target) != f.sha256:
        return "sha256 does not match the catalog"
    return None


def _stamp(entry: CatalogEntry, f: ModelFile, root: Path | None) -> Path:
    """Marks a file whose sha256 was checked, so starting up does not re-hash gigabytes."""
    return entry.folder(root) / ".cache" / "samantha-verified" / f"{f.path}.sha256"


def _known_good(entry: CatalogEntry, f: ModelFile, root: Path | None) -> bool:
    target, stamp = entry.folder(root) / f.path, _stamp(entry, f, root)
    return (target.is_file() and stamp.is_file() and target.stat().st_size == f.size
            and stamp.read_text() == f.sha256 and target.stat().st_mtime <= stamp.stat().st_mtime)


def _mark_good(entry: CatalogEntry, f: ModelFile, root: Path | None) -> None:
    stamp = _stamp(entry, f, root)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(f.sha256)


def verify(entries: Iterable[CatalogEntry], root: Path | None = None, thorough: bool = True) -> list[str]:
    """One line per problem found, each naming the file and the command that fixes it.

    ``thorough=False`` trusts a file whose sha256 was already checked and that has not
    changed since (size and time), so ``doctor`` need not re-read gigabytes.
    """
    problems = []
    for entry in entries:
        for f in entry.files:
            if not thorough and _known_good(entry, f, root):
                continue
            if why := file_problem(entry, f, root):
                problems.append(
                    f"{entry.folder(root) / f.path}: {why}. Fix: samantha models download {entry.name}"
                )
    return problems


def _request(url: str, have: int) -> urllib.request.Request:
    """A GET for what is still missing (``Range`` when ``have`` bytes are already here)."""
    from huggingface_hub.utils import build_hf_headers

    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    for key, value in build_hf_headers().items():  # user agent, and a token if logged in:
        request.add_unredirected_header(key, value)  # never forwarded to the CDN
    return request


def _copy(response, part: Path, have: int, size: int, bar) -> None:
    """The response's body onto ``part``: appended, or from the start if the server ignored Range."""
    if have and response.status != 206:
        have = 0
        bar.reset(total=size)
    with part.open("ab" if have else "wb") as out:
        while block := response.read(1 << 16):
            out.write(block)
            bar.update(len(block))


def _fetch(url: str, part: Path, size: int, label: str) -> None:
    """Download ``url`` into ``part``, continuing from whatever ``part`` already holds.

    A dropped connection is retried with an HTTP Range request for the rest, and the
    ``.part`` file survives a failed or interrupted run, so the next run continues where
    this one stopped (huggingface_hub's own download starts over in a new process).
    """
    from tqdm import tqdm

    part.parent.mkdir(parents=True, exist_ok=True)
    tries, progress = RETRIES, time.monotonic()
    have = part.stat().st_size if part.exists() else 0
    with tqdm(total=size, initial=have, unit="B", unit_scale=True, unit_divisor=1024, desc=label) as bar:
        while have < size:
            try:
                with urllib.request.urlopen(_request(url, have), timeout=READ_TIMEOUT_S) as response:
                    _copy(response, part, have, size, bar)
                if part.stat().st_size < size:  # http.client ends a cut-off body quietly
                    raise ConnectionError("the server closed the connection early")
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                why = failure(exc, url)
                before, have = have, part.stat().st_size if part.exists() else 0
                if have > before:
                    tries, progress = RETRIES, time.monotonic()
                else:
                    tries -= 1
                stalled = time.monotonic() - progress >= STALL_S
                if not why.again_helps or tries == 0 or stalled:
                    raise (DownloadFailed(f"no progress for {STALL_S:g} s ({why.reason})", True) if stalled
                           else why) from exc
                bar.write(f"{label}: connection lost at {have} bytes ({why.reason}); resuming", file=sys.stderr)
                time.sleep(1)
                continue
            have = part.stat().st_size


def download(entries: Iterable[CatalogEntry], root: Path | None = None) -> None:
    """Fetch every missing or damaged file at its pinned revision; resumable; checks sha256."""
    from huggingface_hub import hf_hub_url

    for entry in entries:
        for f in entry.files:
            if _known_good(entry, f, root) or file_problem(entry, f, root) is None:
                _mark_good(entry, f, root)
                print(f"{entry.name}/{f.path}: already downloaded and verified")
                continue
            target = entry.folder(root) / f.path
            part = target.with_name(target.name + ".part")
            target.unlink(missing_ok=True)  # damaged: fetched again below
            try:
                _fetch(hf_hub_url(entry.repo, f.path, revision=entry.revision), part, f.size,
                       f"{entry.name}/{Path(f.path).name}")
            except DownloadFailed as failed:
                fix = ("Check the network connection and run the same command again; it continues where it stopped."
                       if failed.again_helps else "Fix that, then run the same command again; what was downloaded is kept.")
                raise SamanthaError(f"Could not download {f.path} from {entry.repo}: {failed.reason}. {fix}") from failed
            except OSError as exc:  # the disk, not the network
                raise SamanthaError(f"Could not save {f.path}: {exc.strerror or exc}. Free some space or fix the "
                                    "models folder's permissions, then run the same command again.") from exc
            part.replace(target)
            if why := file_problem(entry, f, root):
                target.unlink(missing_ok=True)
                raise SamanthaError(
                    f"Downloaded {target}, but it is not the expected file ({why}); it was deleted. "
                    f"Run again: samantha models download {entry.name}"
                )
            _mark_good(entry, f, root)
            print(f"{entry.name}/{f.path}: downloaded and verified")
