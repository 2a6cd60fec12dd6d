"""The layers hold: ``core/`` is pure (no threads, clocks, devices, models or engines), and
no layer imports one above it. Read from the source, so a new import that breaks a rule
fails here, not in a review."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "samantha"
IMPURE = {"threading", "time", "queue", "subprocess", "socket", "asyncio", "sounddevice", "onnxruntime",
          "faster_whisper", "ctranslate2", "llama_cpp", "piper", "pynput", "sqlite3"}
BELOW = {  # what each layer may import of the package, besides itself
    "core": {"config", "errors"},
    "day": {"config", "errors"},  # pure, like core: requests and times read, "now" given
    "models": {"config", "errors"},
    "letters": {"day", "config", "errors", "storage"},  # drafts and spoken commands pure; files and the book at the edge
    "engines": {"core", "models", "config", "errors"},
    "audio": {"core", "config", "errors"},
    "conversation": {"core", "day", "letters", "engines", "models", "config", "errors"},
    "runtime": {"core", "day", "letters", "engines", "models", "audio", "conversation", "config", "errors"},
    "bench": {"core", "engines", "models", "audio", "conversation", "runtime", "config", "errors"},
    "cli": {"core", "day", "letters", "engines", "models", "audio", "conversation", "runtime", "bench", "config", "errors",
            "storage"},
}


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (deferred imports count too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            if node.module == "samantha":
                names |= {f"samantha.{alias.name}" for alias in node.names}
    return names


def layer_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_core_has_no_threads_clocks_devices_models_or_engines():
    for path in (PACKAGE / "core").glob("*.py"):
        for module in imported(path):
            assert module.split(".")[0] not in IMPURE, f"{path.name} imports {module}"
            if module.startswith("samantha."):
                assert layer_of(module) in {"core", *BELOW["core"]}, f"{path.name} imports {module}"


def test_the_letters_draft_and_spoken_commands_are_pure():
    for name in ("draft.py", "spoken.py", "front.py"):
        for module in imported(PACKAGE / "letters" / name):
            assert module.split(".")[0] not in IMPURE | {"os", "pathlib", "fpdf"}, f"letters/{name} imports {module}"


def test_day_is_pure_too():
    for path in (PACKAGE / "day").glob("*.py"):
        for module in imported(path):
            assert module.split(".")[0] not in IMPURE, f"day/{path.name} imports {module}"


def test_no_layer_imports_one_above_it():
    for layer, allowed in BELOW.items():
        for path in (PACKAGE / layer).glob("*.py"):
            above = {m for m in imported(path) if m.startswith("samantha.") and layer_of(m) not in {layer, *allowed}}
            assert not above, f"{layer}/{path.name} imports {sorted(above)}"


def test_the_audio_format_is_defined_once():
    defined = [path.relative_to(PACKAGE) for path in PACKAGE.rglob("*.py")
               if any(isinstance(node, ast.Assign) and any(getattr(t, "id", "") in ("RATE", "FRAME", "SAMPLE_RATE")
                                                           for t in node.targets)
                      for node in ast.parse(path.read_text()).body)]
    assert defined == [Path("core/frames.py")], defined
