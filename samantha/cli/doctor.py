"""``samantha doctor``: every check a user would otherwise discover one crash at a time."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from samantha import engines
from samantha.audio import devices, echo_canceller, echo_check, output_kind
from samantha.config import Settings
from samantha.errors import SamanthaError
from samantha.models import store


def _model_check(settings: Settings, engine: str, load: Callable[[Settings], object]) -> Callable[[], str]:
    def check() -> str:
        spec = getattr(settings.models, engine)
        path = store.resolve(engine, spec)
        catalog = store.load_catalog()
        if spec in catalog and (problems := store.verify([catalog[spec]], thorough=False)):
            raise SamanthaError(" ".join(problems))
        load(settings)
        return f"{spec} loads ({path})"
    return check


def _server_check(settings: Settings) -> Callable[[], str]:
    """The chat server answers at [llm] url (its failures already name the URL, the cause and the setting)."""
    def check() -> str:
        return getattr(engines.load_chat_model(settings), "describe", lambda: f"{settings.llm.url} answers")()
    return check


def _stream_check(settings: Settings, kind: str) -> Callable[[], str]:
    def check() -> str:
        sd = devices.sounddevice()
        spec = settings.audio.output_device if kind == "output" else settings.audio.input_device
        index = devices.find(spec, kind)
        rate = devices.default_rate(index, kind)
        stream_type = sd.OutputStream if kind == "output" else sd.InputStream
        try:
            with stream_type(device=index, samplerate=rate, channels=1, dtype="float32"):
                pass
        except sd.PortAudioError as exc:
            raise SamanthaError(f"cannot open the {kind} device ({exc}); pick another with "
                                f"--{kind} or [audio] {kind}_device (see `samantha devices`)") from exc
        name = sd.query_devices(index, kind=kind)["name"]
        return f"{name} opens at {rate} Hz"
    return check


class Skipped(Exception):
    """A check that does not apply to this setup; its message says why."""


def _echo_check(settings: Settings) -> Callable[[], str]:
    """With speakers and the canceller: a short sound played, its echo measured and cancelled."""
    def check() -> str:
        audio = settings.audio
        if audio.aec == "off":
            raise Skipped("skipped with --aec off ([audio] aec): the echo gate alone, no canceller to check")
        try:
            name = devices.name(devices.find(audio.output_device, "output"), "output")
        except SamanthaError:
            raise Skipped("skipped: no output device to play through (see above)") from None
        kind, why = output_kind.detect(audio.output_kind, name)
        if kind != "speakers":
            raise Skipped(f"skipped: the output is a {kind} ({why}), so her voice does not reach the microphone")
        if not echo_canceller.available():
            if audio.aec == "auto":
                raise Skipped("skipped: the canceller is not installed (pip install livekit; --aec auto then uses it)")
            raise SamanthaError("the canceller is not installed: pip install livekit, or use --aec off")
        return echo_check.verdict(echo_check.measure(echo_check.listen(audio.output_device, audio.input_device)))
    return check


def _portaudio() -> str:
    return f"PortAudio found ({devices.sounddevice().get_portaudio_version()[1]})"


def report(settings: Settings, console: Console) -> int:
    checks = [
        ("speech-to-text model", _model_check(settings, "stt", engines.load_transcriber)),
        ("chat model", _server_check(settings) if settings.llm.backend == "openai"
         else _model_check(settings, "llm", engines.load_chat_model)),
        ("voice", _model_check(settings, "voice", engines.load_synthesizer)),
        ("PortAudio", _portaudio),
        ("output device", _stream_check(settings, "output")),
        ("input device", _stream_check(settings, "input")),
        ("echo", _echo_check(settings)),
    ]
    failed = 0
    for name, check in checks:
        try:
            console.print(f"[green]✓[/] {name}: {escape(check())}")
        except Skipped as why:
            console.print(f"[dim]·[/] {name}: {escape(str(why))}")
        except SamanthaError as exc:
            failed += 1
            console.print(f"[red]✗[/] {name}: {escape(str(exc))}")  # "[llm] url" is not markup
        except Exception as exc:  # keep checking the rest; this one is a bug or an odd setup
            failed += 1
            console.print(f"[red]✗[/] {name}: unexpected {type(exc).__name__}: {exc}")
    console.print("All good." if not failed else f"{failed} problem(s) found; each line says how to fix it.")
    return 1 if failed else 0
