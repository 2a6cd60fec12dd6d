#!/usr/bin/env python3
"""Write tiny random-weight models in the real formats Samantha's engines load.

No model weights can be downloaded where tests run, so tests drive the *real*
faster-whisper, llama-cpp-python and piper on these stand-ins instead.  Built
from numpy alone (no torch, no network) in well under a second.

The weights are random except for a planted "chain": each token's output row is
aligned with the embedding of the token meant to precede it, so greedy decoding
follows a fixed path and ends with end-of-text.  That makes the engines fast,
deterministic and confident (no temperature fallback, low no_speech_prob):

- stt/       faster-whisper model; always hears ``STT_TEXT``, whatever the audio.
- llm.gguf   llama GGUF with ChatML; always replies ``LLM_REPLY``, then stops
             (finish_reason "stop"; a smaller max_tokens truncates it).
- voice.onnx piper voice; 256 samples of a tone per phoneme id.

Usage: python scripts/make_test_models.py OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

SEED = 20240611
STT_TEXT = [" This", " is", " the", " tiny", " test", " transcript", "."]
LLM_REPLY = ["Hello", " from", " the", " tiny", " test", " model", ".",
             " It", " speaks", " in", " short", " sentences", ",", " then", " stops", "!"]
# Whisper's language tokens, in Whisper's order (as faster-whisper lists them).
WHISPER_LANGS = (
    "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro "
    "da hu ta no th ur hr bg lt la mi ml cy sk te fa lv bn sr az sl kn et mk br eu "
    "is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am yi lo "
    "uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su yue"
).split()
# llama-cpp-python maps exactly this template to its "chatml" chat format.
CHATML_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
# piper's standard phoneme symbols, ids 0..160 in this order (as in its English voices).
PIPER_SYMBOLS = (
    "_^$ !'(),-.:;?abcdefhijklmnopqrstuvwxyzæçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲ"
    "ɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ0123456789"
    "\u0327\u0303\u032a\u032f\u0329ʰˤε↓#\"↑\u033a\u033bgʦX\u031d\u030aɝʷ"
)


# ----------------------------------------------------------------- shared bits

def _byte_chars() -> list[str]:
    """GPT-2's byte -> printable character table: byte-level BPE stores bytes this way."""
    keep = {*range(33, 127), *range(161, 173), *range(174, 256)}
    extra = iter(range(256, 512))
    return [chr(b) if b in keep else chr(next(extra)) for b in range(256)]


def _bpe_token(piece: str) -> str:
    """The byte-level spelling of a text piece, e.g. " the" -> "Ġthe"."""
    table = _byte_chars()
    return "".join(table[b] for b in piece.encode())


def _bpe_vocab(pieces: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """All 256 byte tokens plus one merged token per piece, so any text round-trips."""
    vocab, merges = _byte_chars(), []
    for piece in pieces:
        chars = list(_bpe_token(piece))
        merged = chars[0]
        for ch in chars[1:]:
            if (merged, ch) not in merges:
                merges.append((merged, ch))
            merged += ch
            if merged not in vocab:
                vocab.append(merged)
    return vocab, merges


def _links(seq: list[int]) -> list[tuple[int, int]]:
    """Consecutive (prev, next) pairs of a token sequence."""
    return list(zip(seq, seq[1:]))


def _plant(out_w: np.ndarray, emb: np.ndarray, links, gain: float) -> None:
    """Make token prev predict token next: next's output row += gain * prev's embedding.

    With unit-variance embeddings of width d the planted logit is ~gain*d, far above
    the ~gain*sqrt(d) of unrelated rows, so greedy decoding follows the links.
    """
    for prev, nxt in links:
        out_w[nxt] += gain * emb[prev]


# ----------------------------------------------------------------- whisper

def _whisper_vocab() -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Text BPE tokens, merges, then Whisper's special and timestamp tokens in order."""
    text, merges = _bpe_vocab(STT_TEXT)
    specials = ["<|endoftext|>", "<|startoftranscript|>", *(f"<|{c}|>" for c in WHISPER_LANGS),
                "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>",
                "<|nospeech|>", "<|notimestamps|>"]
    stamps = ["<|%.2f|>" % (i * 0.02) for i in range(1501)]
    # ctranslate2 4.8 treats a Whisper vocabulary holding "" as multilingual.
    return text + [""], merges, specials + stamps


def _write_hf_tokenizer(path: Path, text: list[str], merges, added: list[str]) -> None:
    """tokenizer.json: without it faster-whisper silently tries the Hugging Face hub."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(text)}, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(added)
    for i, token in enumerate(text + added):
        assert token == "" or tok.token_to_id(token) == i, token
    tok.save(str(path))


def _set_block(spec, rng, d: int, out_dims: list[int]) -> None:
    """Fill a pre-norm block: layer norm plus linear layers d -> out_dims[i], small random."""
    spec.layer_norm.gamma = np.ones(d, np.float32)
    spec.layer_norm.beta = np.zeros(d, np.float32)
    for linear, n_out in zip(spec.linear, out_dims):
        linear.weight = (0.02 * rng.standard_normal((n_out, d))).astype(np.float32)
        linear.bias = np.zeros(n_out, np.float32)


def _whisper_spec(rng, vocab: list[str], d: int = 64, ff: int = 128):
    """A 1-layer, 2-head Whisper whose decoder follows the planted STT_TEXT chain."""
    from ctranslate2.specs import whisper_spec

    spec = whisper_spec.WhisperSpec(1, 2, 1, 2)
    enc, dec = spec.encoder, spec.decoder

    def rand(*shape, scale=0.02):
        return (scale * rng.standard_normal(shape)).astype(np.float32)

    enc.conv1.weight, enc.conv1.bias = rand(d, 80, 3), rand(d)
    enc.conv2.weight, enc.conv2.bias = rand(d, d, 3), rand(d)
    enc.position_encodings.encodings = rand(1500, d)
    for layer in enc.layer:
        _set_block(layer.self_attention, rng, d, [3 * d, d])
        _set_ffn(layer.ffn, rng, d, ff)
    for norm in (enc.layer_norm, dec.layer_norm):
        norm.gamma, norm.beta = np.ones(d, np.float32), np.zeros(d, np.float32)

    emb = rng.standard_normal((len(vocab), d)).astype(np.float32)
    proj = rand(len(vocab), d)
    ids = {t: i for i, t in enumerate(vocab)}
    text = [ids[_bpe_token(p)] for p in STT_TEXT] + [ids["<|endoftext|>"]]
    sot, en, transcribe, no_ts, ts0 = (ids[t] for t in (
        "<|startoftranscript|>", "<|en|>", "<|transcribe|>", "<|notimestamps|>", "<|0.00|>"))
    links = [(sot, en),  # language detection answers "en"
             (transcribe, ts0), (ts0, text[0]),  # with timestamps
             (no_ts, text[0]), *_links(text)]
    _plant(proj, emb, links, gain=0.5)
    dec.embeddings.weight, dec.projection.weight = emb, proj
    dec.position_encodings.encodings = rand(448, d, scale=0.1)
    for layer in dec.layer:
        _set_block(layer.self_attention, rng, d, [3 * d, d])
        _set_block(layer.attention, rng, d, [d, 2 * d, d])
        _set_ffn(layer.ffn, rng, d, ff)
    return spec


def _set_ffn(spec, rng, d: int, ff: int) -> None:
    """Feed-forward block: d -> ff -> d."""
    spec.layer_norm.gamma = np.ones(d, np.float32)
    spec.layer_norm.beta = np.zeros(d, np.float32)
    spec.linear_0.weight = (0.02 * rng.standard_normal((ff, d))).astype(np.float32)
    spec.linear_0.bias = np.zeros(ff, np.float32)
    spec.linear_1.weight = (0.02 * rng.standard_normal((d, ff))).astype(np.float32)
    spec.linear_1.bias = np.zeros(d, np.float32)


def make_whisper(out_dir: Path) -> Path:
    """CTranslate2 Whisper directory: model.bin, config.json, vocabulary, tokenizer.json."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    text, merges, added = _whisper_vocab()
    vocab = text + added
    ids = {t: i for i, t in enumerate(vocab)}
    spec = _whisper_spec(np.random.default_rng(SEED), vocab)
    spec.register_vocabulary(vocab)
    cfg = spec.config
    cfg.suppress_ids = [ids[t] for t in ("<|translate|>", "<|transcribe|>", "<|startoflm|>",
                                         "<|startofprev|>", "<|nospeech|>")]
    cfg.suppress_ids_begin = [ids["Ġ"], ids["<|endoftext|>"]]
    cfg.lang_ids = [ids[f"<|{c}|>"] for c in WHISPER_LANGS]
    cfg.alignment_heads = [(0, 0), (0, 1)]
    spec.validate()
    spec.optimize(quantization="float32")
    spec.save(str(out_dir))
    _write_hf_tokenizer(out_dir / "tokenizer.json", text, merges, added)
    return out_dir
