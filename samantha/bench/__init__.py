"""``samantha bench``: how human the timing feels, in five numbers.

- ``endpoint_delay_ms``: true end of speech to the end-of-turn decision (``endpoint.py``);
- ``barge_in_ms``: onset of speech over her to her last sound leaving for the device;
- ``overhead_ms``: time to first audio less the engines' own time (engines of known cost);
- ``ttfa_ratio``: time to first audio of a 200-token reply over that of a 10-token one;
- ``idle_cpu_pct``: the whole process, listening to the microphone with nobody talking;
- ``ptt_end_of_turn_ms``: the talk key let go to the end-of-turn decision.

The last four run the real voice loop in real time on the configured output device
(``live.py``). Every figure is about our own code: the engines' speed is
``scripts/bench_engines.py``'s subject.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from samantha.config import Settings

MAX_INNER_PAUSE_MS = 600  # a pause up to this long must never end the turn
GOALS = {"endpoint_delay_ms": 300, "barge_in_ms": 100, "overhead_ms": 10, "ttfa_ratio": 1.1, "idle_cpu_pct": 5,
         "ptt_end_of_turn_ms": 20}


@dataclass(frozen=True)
class Options:
    rounds: int = 5  # interrupted replies, and twice as many short ones
    idle_s: float = 30.0
    scripted: bool = False  # the clips' known words instead of the transcriber's
    testdata: str = ""  # a folder with jfk.flac, for recorded human pauses too ("": espeak-ng clips only)


def p(values: list[float], q: float, scale: float = 1000) -> float | None:
    return round(float(np.percentile(values, q)) * scale, 1) if values else None


def run(settings: Settings, options: Options, progress=lambda text: None) -> dict:
    from pathlib import Path

    from samantha.bench import corpus, endpoint, live
    from samantha.engines import load_transcriber

    progress("speaking the test utterances (espeak-ng)")
    clips = corpus.espeak_clips() + (corpus.recorded_clips(Path(options.testdata)) if options.testdata else [])
    progress(f"end of turn: {len(clips)} utterances through the VAD, turn-taker and speech-to-text")
    ends = endpoint.measure(clips, settings, load_transcriber(settings), options.scripted)
    progress(f"the voice loop on the output device: {options.rounds} rounds")
    by_name = {clip.name: clip for clip in clips}
    loop = live.measure(settings, by_name[corpus.ASK], by_name[corpus.INTERRUPT], options.rounds)
    progress(f"listening to the microphone for {options.idle_s:.0f} s")
    idle = live.idle_cpu_pct(settings, options.idle_s)
    short, long_ = float(np.median(loop.ttfa_short_s)), float(np.median(loop.ttfa_long_s))
    return {
        "endpoint_delay_ms": {"p50": p(ends.delays_s, 50), "p90": p(ends.delays_s, 90), "turns": len(ends.delays_s),
                              "cut_off": len(ends.cut_off), "missed": len(ends.missed),
                              "cut_off_at_pauses_ms": sorted(round(pause * 1000) for _, pause in ends.cut_off),
                              "longest_inner_pause_ms": round(ends.longest_pause_s * 1000),
                              "stt_ms_p50": p(ends.stt_s, 50), "scripted_words": options.scripted},
        "barge_in_ms": {"p50": p(loop.barge_in_s, 50), "p90": p(loop.barge_in_s, 90), "n": len(loop.barge_in_s),
                        "output_latency_ms": round(loop.output_latency_s * 1000, 1)},
        "overhead_ms": {"p50": p(loop.overhead_s, 50), "p90": p(loop.overhead_s, 90),
                        "engines_ms": p(loop.engines_s, 50)},
        "ttfa_ratio": {"value": round(long_ / short, 3), "ttfa_200_ms": round(long_ * 1000, 1),
                       "ttfa_10_ms": round(short * 1000, 1)},
        "idle_cpu_pct": {"value": round(idle, 2), "seconds": options.idle_s},
        "ptt_end_of_turn_ms": {"p50": p(loop.ptt_end_s, 50), "p90": p(loop.ptt_end_s, 90), "n": len(loop.ptt_end_s)},
    }


def met(results: dict) -> dict[str, bool]:
    """Which goals of the voice-loop issue these results reach."""
    e = results["endpoint_delay_ms"]
    return {
        "endpoint_delay_ms": e["p50"] is not None and e["p50"] <= GOALS["endpoint_delay_ms"] and not e["missed"]
        and all(pause > MAX_INNER_PAUSE_MS for pause in e["cut_off_at_pauses_ms"]),
        "barge_in_ms": results["barge_in_ms"]["p50"] <= GOALS["barge_in_ms"],
        "overhead_ms": results["overhead_ms"]["p50"] <= GOALS["overhead_ms"],
        "ttfa_ratio": results["ttfa_ratio"]["value"] <= GOALS["ttfa_ratio"],
        "idle_cpu_pct": results["idle_cpu_pct"]["value"] <= GOALS["idle_cpu_pct"],
        "ptt_end_of_turn_ms": results["ptt_end_of_turn_ms"]["p50"] <= GOALS["ptt_end_of_turn_ms"],
    }


def report(results: dict) -> str:
    e, b, o = results["endpoint_delay_ms"], results["barge_in_ms"], results["overhead_ms"]
    t, i, k, ok = results["ttfa_ratio"], results["idle_cpu_pct"], results["ptt_end_of_turn_ms"], met(results)
    words = "the clips' known words" if e["scripted_words"] else "the transcriber's words"
    rows = [
        ("endpoint_delay_ms", f"p50 {e['p50']}  p90 {e['p90']}",
         f"{e['turns']} turns on time; cut off at pauses of {e['cut_off_at_pauses_ms'] or 'none'} ms "
         f"(inner pauses up to {e['longest_inner_pause_ms']} ms), {e['missed']} missed; "
         f"speech-to-text {e['stt_ms_p50']} ms a pause; {words}"),
        ("barge_in_ms", f"p50 {b['p50']}  p90 {b['p90']}",
         f"{b['n']} interruptions; the device then plays what is in its {b['output_latency_ms']} ms buffer"),
        ("overhead_ms", f"p50 {o['p50']}  p90 {o['p90']}", f"on top of the engines' own {o['engines_ms']} ms (p50), measured"),
        ("ttfa_ratio", f"{t['value']}", f"200-token reply {t['ttfa_200_ms']} ms / 10-token reply {t['ttfa_10_ms']} ms"),
        ("idle_cpu_pct", f"{i['value']}", f"of one core, {i['seconds']:.0f} s of listening"),
        ("ptt_end_of_turn_ms", f"p50 {k['p50']}  p90 {k['p90']}", f"{k['n']} push-to-talk turns"),
    ]
    lines = [f"{name:<18} {value:<20} {'ok  ' if ok[name] else 'MISS'} (goal {GOALS[name]})  {detail}"
             for name, value, detail in rows]
    return "\n".join(lines)
