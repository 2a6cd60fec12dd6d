#!/usr/bin/env python3
"""How well does the chat model take notes? A dozen scripted conversations, each with the
facts a good model should keep (as keywords that must all appear in one stored fact) and
things it must not keep. Runs the real note-taking (samantha/conversation/notes.py) on the configured
LLM, or any --llm, into a throw-away memory, and prints what it stored and a score.

    .venv/bin/python scripts/eval_memory.py            # the configured (downloaded) model
    .venv/bin/python scripts/eval_memory.py --tiny     # the random tiny model: the harness only
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samantha import config  # noqa: E402
from samantha.conversation.memory import Memory  # noqa: E402
from samantha.conversation.notes import take_notes  # noqa: E402
from samantha.engines import load_chat_model  # noqa: E402
from samantha.errors import SamanthaError  # noqa: E402

# (the conversation, user and Samantha taking turns; facts to keep as keyword sets; words no fact may hold)
CASES = [
    (["My sister Anna just got a job as a nurse in Porto.", "That's wonderful! Is she excited?",
      "Very. She moves there in June.", "Porto in June sounds lovely."],
     [{"anna", "sister"}, {"anna", "porto"}], ["lovely"]),
    (["I'm allergic to peanuts, so I always check labels.", "Good habit. Has it ever caught you out?"],
     [{"allergic", "peanut"}], []),
    (["We're flying to Japan on the 3rd of April for two weeks.", "What are you most looking forward to?",
      "The food, honestly. And seeing Kyoto.", "Kyoto in spring, lucky you."],
     [{"japan", "april"}], []),
    (["My dog Biscuit is turning ten tomorrow.", "Happy birthday to Biscuit! What's the plan?"],
     [{"biscuit", "dog"}], []),
    (["I hate cilantro. Tastes like soap to me.", "You're not alone, it's genetic for some people."],
     [{"cilantro"}], ["genetic"]),
    (["Hi.", "Hi! How's your day?", "Fine, thanks.", "Glad to hear it."], [], ["fine", "day"]),
    (["I started learning the cello last month.", "How is it going?", "Slowly. My teacher is Mrs Okafor.",
      "Slow is how everyone starts."],
     [{"cello"}, {"okafor"}], []),
    (["My partner Sam and I are getting married in September!", "Congratulations! Where?"],
     [{"sam", "married"}, {"september"}], []),
    (["I work night shifts at the hospital, so I sleep during the day.", "That must be hard on the body."],
     [{"night", "shift"}], []),
    (["I don't drink coffee any more, only green tea.", "Was that hard to give up?"],
     [{"green tea"}], []),
    (["My father passed away last year, in March.", "I'm so sorry. How are you holding up?"],
     [{"father", "passed"}], []),
    (["I'm training for the Berlin marathon in the autumn.", "Impressive. How far do you run now?",
      "About thirty kilometres on Sundays.", "That's real dedication."],
     [{"berlin", "marathon"}], ["dedication"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llm", help="chat model: catalog name or .gguf file (default: the configured one)")
    parser.add_argument("--tiny", action="store_true", help="the generated random-weight model (tests the harness)")
    args = parser.parse_args()
    settings = config.override(config.load(), "models", llm=args.llm)
    work = tempfile.TemporaryDirectory(prefix="samantha-eval-")
    if args.tiny:
        sys.path.insert(0, str(ROOT / "scripts"))
        import make_test_models

        settings = config.override(settings, "models", llm=str(make_test_models.make_llm(Path(work.name) / "llm.gguf")))
    try:
        model = load_chat_model(settings)
    except SamanthaError as exc:
        print(f"eval_memory: {exc}", file=sys.stderr)
        return 2
    found = wanted = stored = junk = 0
    for number, (lines, keep, avoid) in enumerate(CASES, 1):
        memory = Memory.open(Path(work.name) / f"memory-{number}.sqlite3")
        memory.begin()
        for i, line in enumerate(lines):
            memory.add_message("user" if i % 2 == 0 else "assistant", line)
        take_notes(model, memory, memory.conversation, settings.llm.context_tokens)
        facts = [f.text.lower() for f in memory.facts()]
        hits = sum(any(all(k in fact for k in keys) for fact in facts) for keys in keep)
        bad = sum(any(word in fact for word in avoid) for fact in facts)
        found, wanted, stored, junk = found + hits, wanted + len(keep), stored + len(facts), junk + bad
        print(f"{number:>2}. kept {hits}/{len(keep)}, {bad} unwanted | " + (" | ".join(facts) or "(no facts)"))
        memory.close()
    print(f"\nrecall {found}/{wanted} facts a good model keeps; {stored} facts stored in all, {junk} with unwanted "
          f"content (model: {settings.models.llm})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
