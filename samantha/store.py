"""The model store: a tracked catalog of default models, their download and verification.

This is the only module that touches the network, and only inside ``download``: the
package switches the hub off at import, and ``download`` switches it back on for its own
process. Files land in ``models_dir()/<name>/`` with the hub's own relative paths. A
dropped connection is resumed with HTTP Range requests within the run (huggingface_hub
retries); if the run still fails, files already finished and verified are kept and the
next run fetches only the rest. Every file is checked against the catalog's sha256 before
it counts as present.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from samantha import paths
from samantha.config import tomllib
from samantha.errors import SamanthaError

ENGINES = ("stt", "llm", "voice")
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


def _progress_bar(label: str) -> type:
    """A tqdm bar named for the model file (the hub's own is hidden at its default log level and
    names the file by its CDN hash)."""
    from tqdm import tqdm

    class Bar(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["desc"] = label
            super().__init__(*args, **kwargs)

    return Bar


def download(entries: Iterable[CatalogEntry], root: Path | None = None) -> None:
    """Fetch every missing or damaged file; resumes partial downloads; checks sha256."""
    os.environ["HF_HUB_OFFLINE"] = "0"
    import huggingface_hub
    from huggingface_hub import constants

    constants.HF_HUB_OFFLINE = False  # the package switched it off at import; this call is the exception
    for entry in entries:
        for f in entry.files:
            if _known_good(entry, f, root) or file_problem(entry, f, root) is None:
                _mark_good(entry, f, root)
                print(f"{entry.name}/{f.path}: already downloaded and verified")
                continue
            target = entry.folder(root) / f.path
            if target.exists():
                target.unlink()  # damaged: fetch it again from scratch
            try:
                huggingface_hub.hf_hub_download(
                    entry.repo, f.path, revision=entry.revision, local_dir=entry.folder(root),
                    tqdm_class=_progress_bar(f"{entry.name}/{Path(f.path).name}"),
                )
            except Exception as exc:  # network, 404, disk: all end the same way for the user
                raise SamanthaError(
                    f"Could not download {f.path} from {entry.repo} ({type(exc).__name__}: {exc}). "
                    "Check the network connection and run the same command again; files already downloaded are kept."
                ) from exc
            if why := file_problem(entry, f, root):
                target.unlink(missing_ok=True)
                raise SamanthaError(
                    f"Downloaded {target}, but it is not the expected file ({why}); it was deleted. "
                    f"Run again: samantha models download {entry.name}"
                )
            _mark_good(entry, f, root)
            print(f"{entry.name}/{f.path}: downloaded and verified")
