#!/usr/bin/env python3
"""Write tiny random-weight models in the real formats Samantha's engines load.

No model weights can be downloaded where tests run, so tests drive the *real*
faster-whisper, llama-cpp-python and piper on these stand-ins.  They are built
from numpy alone (no torch, no network) in well under a second.

Weights are random except for a planted "chain": some tokens get orthogonal
embeddings and each output row is aligned with the embedding of the token meant
to precede it, so decoding follows a fixed path and then ends.  Random weights
alone would babble until the length limit, trigger temperature fallbacks and
make tests slow and flaky; the chain makes every engine fast, deterministic and
confident:

- stt/        faster-whisper: always hears STT_TEXT, whatever the audio
              (avg_logprob ~0, no_speech_prob ~0, also with beam search).
- llm.gguf    llama-cpp-python: replies LLM_REPLY to any ChatML chat, then stops
              (finish_reason "stop"; a smaller max_tokens truncates it).  Under a
              JSON grammar it produces short valid JSON (see _llm_biases).
- voice.onnx  piper: 256 samples of a tone per phoneme id.

Usage: python scripts/make_test_models.py OUT_DIR
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np

SEED = 1234
STT_TEXT = [" This", " is", " the", " tiny", " test", " transcript", "."]
LLM_REPLY = ["Hello", " from", " the", " tiny", " test", " model", ".", " It", " speaks",
             " in", " short", " sentences", ",", " then", " stops", "!"]
# Whisper's language tokens in Whisper's own order (large-v3's 100, yue last).
WHISPER_LANGS = [
    "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id",
    "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg",
    "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br",
    "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si", "km", "sn", "yo", "so",
    "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt",
    "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue"
]
# llama-cpp-python selects its "chatml" handler only for exactly this template.
CHATML_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + "
    "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
# piper's standard phoneme symbols (ids 0..160 in this order), as its voices use.
PIPER_SYMBOLS = (
    "_^$ !'(),-.:;?abcdefhijklmnopqrstuvwxyzæçðøħŋœǀǁǂǃ"
    "ɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾ"
    "ʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ0123456789"
    "\u0327\u0303\u032a\u032f\u0329ʰˤε↓#\"↑\u033a\u033bgʦX\u031d\u030aɝʷ"
)


# ------------------------------------------------------------------ shared

def _byte_chars() -> list[str]:
    """GPT-2's byte -> printable character table: byte-level BPE stores bytes this way."""
    keep = {*range(33, 127), *range(161, 173), *range(174, 256)}
    extra = iter(range(256, 512))
    return [chr(b) if b in keep else chr(next(extra)) for b in range(256)]


def _bpe_token(piece: str) -> str:
    """Byte-level spelling of a text piece: " the" -> "Ġthe"."""
    table = _byte_chars()
    return "".join(table[b] for b in piece.encode())


def _bpe_vocab(pieces: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """All 256 byte tokens (so any text round-trips) plus one merged token per piece."""
    vocab, merges = sorted(_byte_chars(), key=ord), []  # GPT-2's order: "!" is token 0
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
    return list(itertools.pairwise(seq))


def _chain_weights(rng, n_vocab: int, d: int, links, gains=1.0, chain_dims: int = 32):
    """Embeddings and output rows (n_vocab x d) under which each prev -> next link wins.

    "prev" tokens get orthogonal embeddings in dims [0, chain_dims); every other token
    a random one in the remaining dims.  next's output row is gain * prev's embedding,
    so after normalisation its logit is ~gain * chain_dims / 0.7 while unrelated logits
    stay near 0: off the chain no token is preferred, nothing jumps into its middle.
    """
    prevs = sorted({p for p, _ in links})
    assert len(prevs) == len(links) <= chain_dims, "each token may precede only one"
    emb = np.zeros((n_vocab, d), np.float32)
    emb[:, chain_dims:] = rng.standard_normal((n_vocab, d - chain_dims))
    basis = np.linalg.qr(rng.standard_normal((chain_dims, chain_dims)))[0]
    emb[prevs] = 0.0
    emb[prevs, :chain_dims] = np.sqrt(chain_dims) * basis[: len(prevs)]
    out = (0.02 * rng.standard_normal((n_vocab, d))).astype(np.float32)
    for (prev, nxt), gain in zip(links, np.broadcast_to(gains, len(links))):
        out[nxt] += gain * emb[prev]
    return emb, out


def _rand(rng, *shape, scale: float = 0.02) -> np.ndarray:
    return (scale * rng.standard_normal(shape)).astype(np.float32)


# ------------------------------------------------------------------ whisper

def _whisper_vocab() -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Text tokens and merges, then Whisper's special and 1501 timestamp tokens in order."""
    text, merges = _bpe_vocab(STT_TEXT)
    specials = ["<|endoftext|>", "<|startoftranscript|>", *(f"<|{c}|>" for c in WHISPER_LANGS),
                "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>",
                "<|nospeech|>", "<|notimestamps|>"]
    stamps = ["<|%.2f|>" % (i * 0.02) for i in range(1501)]
    # ctranslate2 4.8 calls a Whisper model multilingual iff "" is in its vocabulary.
    return [*text, ""], merges, specials + stamps


def _write_hf_tokenizer(path: Path, text: list[str], merges, added: list[str]) -> None:
    """tokenizer.json: without it faster-whisper silently goes to the Hugging Face hub."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(text)}, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(added)
    for i, token in enumerate(added, start=len(text)):
        assert tok.token_to_id(token) == i, token
    tok.save(str(path))


def _set_block(spec, rng, d: int, out_dims: list[int]) -> None:
    """A pre-norm block: layer norm, then linear layers d -> out_dims[i] (small random)."""
    spec.layer_norm.gamma = np.ones(d, np.float32)
    spec.layer_norm.beta = np.zeros(d, np.float32)
    for linear, n_out in zip(spec.linear, out_dims):
        linear.weight = _rand(rng, n_out, d)
        linear.bias = np.zeros(n_out, np.float32)


def _set_ffn(spec, rng, d: int, ff: int) -> None:
    """Feed-forward block d -> ff -> d."""
    spec.layer_norm.gamma = np.ones(d, np.float32)
    spec.layer_norm.beta = np.zeros(d, np.float32)
    spec.linear_0.weight, spec.linear_0.bias = _rand(rng, ff, d), np.zeros(ff, np.float32)
    spec.linear_1.weight, spec.linear_1.bias = _rand(rng, d, ff), np.zeros(d, np.float32)


def _whisper_links(ids: dict[str, int]) -> list[tuple[int, int]]:
    """sot -> <|en|> (language detection), then prompt end -> STT_TEXT -> end of text."""
    text = [ids[_bpe_token(p)] for p in STT_TEXT] + [ids["<|endoftext|>"]]
    sot, en, transcribe, no_ts, ts0 = (ids[t] for t in (
        "<|startoftranscript|>", "<|en|>", "<|transcribe|>", "<|notimestamps|>", "<|0.00|>"))
    return [(sot, en), (transcribe, ts0), (ts0, text[0]), (no_ts, text[0]), *_links(text)]


def _whisper_spec(rng, vocab: list[str], d: int = 64, ff: int = 128):
    """1-layer, 2-head Whisper (80 mels) with the STT_TEXT chain in its decoder."""
    from ctranslate2.specs import whisper_spec

    spec = whisper_spec.WhisperSpec(1, 2, 1, 2)
    enc, dec = spec.encoder, spec.decoder
    enc.conv1.weight, enc.conv1.bias = _rand(rng, d, 80, 3), _rand(rng, d)
    enc.conv2.weight, enc.conv2.bias = _rand(rng, d, d, 3), _rand(rng, d)
    enc.position_encodings.encodings = _rand(rng, 1500, d)
    for norm in (enc.layer_norm, dec.layer_norm):
        norm.gamma, norm.beta = np.ones(d, np.float32), np.zeros(d, np.float32)
    for layer in enc.layer:
        _set_block(layer.self_attention, rng, d, [3 * d, d])  # fused QKV, output
        _set_ffn(layer.ffn, rng, d, ff)

    ids, eot = {t: i for i, t in enumerate(vocab)}, vocab.index("<|endoftext|>")
    bias = np.zeros(len(vocab), np.float32)
    bias[eot] = -15.0  # only the chain may end a text, so beam search keeps the whole chain
    # Planted logits of ~9 (gain 0.2): confident but not certain, avg_logprob about -0.3
    # as from a real model; the link to end-of-text is stronger to overcome its bias.
    links = _whisper_links(ids)
    gains = [0.2 + 0.35 * (nxt == eot) for _, nxt in links]
    emb, proj = _chain_weights(rng, len(vocab), d, links, gains)
    dec.embeddings.weight = emb
    dec.projection.weight, dec.projection.bias = proj, bias
    dec.position_encodings.encodings = _rand(rng, 448, d, scale=0.1)
    for layer in dec.layer:
        _set_block(layer.self_attention, rng, d, [3 * d, d])
        _set_block(layer.attention, rng, d, [d, 2 * d, d])  # query, fused KV, output
        _set_ffn(layer.ffn, rng, d, ff)
    return spec


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


# ------------------------------------------------------------------ llm

LLM_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def _llm_biases(ids: dict[str, int]) -> np.ndarray:
    """Per-token logit offsets, used wherever a grammar masks the chain's choice.

    Closing tokens outrank opening ones so JSON-constrained output stays short and
    valid; entering the chain is mildly favoured (useful for raw completions); EOS
    is discouraged except as the chain's own ending (which overrides this).
    """
    bias = np.zeros(len(ids), np.float32)
    for piece, value in {'"': 6, "}": 5, "]": 5, ":": 4, LLM_REPLY[0]: 3, ",": 2}.items():
        bias[ids[_bpe_token(piece)]] = value
    bias[ids["<|im_end|>"]] = -10
    return bias


def _llm_tensors(rng, ids: dict[str, int], d: int, ff: int, n_layer: int) -> dict:
    """llama tensors (numpy shapes are [out, in]) with the LLM_REPLY chain planted.

    llama has no output bias, but RMSNorm keeps a constant embedding dimension, so
    the last dimension (constant c) carries _llm_biases through the output matrix.
    """
    chain = [ids[_bpe_token("\n")]] + [ids[_bpe_token(p)] for p in LLM_REPLY]
    chain.append(ids["<|im_end|>"])  # "...assistant\n" -> LLM_REPLY -> EOS
    links = [*_links(chain), (ids[_bpe_token('"')], chain[1])]  # strings start with it too
    emb, out = _chain_weights(rng, len(ids), d - 1, links, chain_dims=32)
    c = 4.0
    emb = np.hstack([emb, np.full((len(ids), 1), c, np.float32)])
    c_normed = c / np.sqrt((32 + c**2) / d)  # c after RMSNorm of a typical embedding
    out = np.hstack([out, (_llm_biases(ids) / c_normed)[:, None]]).astype(np.float32)
    tensors = {"token_embd.weight": emb, "output_norm.weight": np.ones(d, np.float32),
               "output.weight": out}
    shapes = {"attn_q": (d, d), "attn_k": (d, d), "attn_v": (d, d), "attn_output": (d, d),
              "ffn_gate": (ff, d), "ffn_up": (ff, d), "ffn_down": (d, ff)}
    for i in range(n_layer):
        tensors[f"blk.{i}.attn_norm.weight"] = np.ones(d, np.float32)
        tensors[f"blk.{i}.ffn_norm.weight"] = np.ones(d, np.float32)
        for name, shape in shapes.items():
            tensors[f"blk.{i}.{name}.weight"] = _rand(rng, *shape)
    return tensors


def make_llm(path: Path, chat_template: str | None = CHATML_TEMPLATE,
             d: int = 64, ff: int = 128, n_layer: int = 2, n_head: int = 4) -> Path:
    """Tiny llama-architecture GGUF: gpt2 byte-level BPE, ChatML, EOS <|im_end|>.

    chat_template=None writes a base model, with no chat template in its metadata.
    """
    import gguf

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # JSON keywords first: one token each, and ASCII-only leading merges (llama-cpp-python's
    # verbose loader log cuts the merges list at a byte count and must not split a "Ġ").
    text, merges = _bpe_vocab(["true", "false", "null", *LLM_REPLY])
    tokens = text + LLM_SPECIALS
    ids = {t: i for i, t in enumerate(tokens)}
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("samantha-tiny-test")
    w.add_context_length(8192)
    w.add_embedding_length(d)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(d // n_head)
    w.add_rope_freq_base(10000.0)
    w.add_vocab_size(len(tokens))
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(tokens)
    w.add_token_types([gguf.TokenType.NORMAL] * len(text)
                      + [gguf.TokenType.CONTROL] * len(LLM_SPECIALS))
    w.add_token_merges([f"{a} {b}" for a, b in merges])
    w.add_bos_token_id(ids["<|endoftext|>"])
    w.add_eos_token_id(ids["<|im_end|>"])
    w.add_pad_token_id(ids["<|endoftext|>"])
    w.add_add_bos_token(False)
    if chat_template is not None:
        w.add_chat_template(chat_template)
    for name, tensor in _llm_tensors(np.random.default_rng(SEED), ids, d, ff, n_layer).items():
        w.add_tensor(name, tensor)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


# ------------------------------------------------------------------ piper voice

def _voice_graph(n_symbols: int, hop: int, sample_rate: int):
    """ONNX graph: each phoneme id becomes `hop` samples of its own tone.

    Inputs match piper's VITS export (input, input_lengths, scales); the output is
    [1, 1, N * hop * length_scale] audio: length follows the number of phoneme ids.
    """
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(SEED)
    t = np.arange(hop) / sample_rate
    freqs = 110.0 + 3.0 * np.arange(n_symbols)[:, None]
    table = 0.5 * np.sin(2 * np.pi * freqs * t) + 0.05 * rng.standard_normal((n_symbols, hop))
    nodes = [helper.make_node("Gather", ["table", "input"], ["frames"], axis=0),
             helper.make_node("Reshape", ["frames", "out_shape"], ["audio"]),
             # Stretch by scales[1] (length_scale), as piper's speaking-rate setting expects.
             helper.make_node("Slice", ["scales", "one", "two"], ["length_scale"]),
             helper.make_node("Concat", ["unit_scales", "length_scale"], ["stretch"], axis=0),
             helper.make_node("Resize", ["audio", "", "stretch"], ["output"], mode="linear")]
    consts = {"table": table.astype(np.float32), "out_shape": np.array([1, 1, -1], np.int64),
              "one": np.array([1], np.int64), "two": np.array([2], np.int64),
              "unit_scales": np.ones(2, np.float32)}
    inits = [numpy_helper.from_array(value, name) for name, value in consts.items()]
    inputs = [helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
              helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
              helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3])]
    output = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "samples"])
    graph = helper.make_graph(nodes, "tiny_piper_voice", inputs, [output], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def _voice_config(n_symbols: int, sample_rate: int) -> dict:
    """The .onnx.json piper reads: single speaker, espeak en-us phonemes."""
    return {
        "audio": {"sample_rate": sample_rate, "quality": "x_low"},
        "espeak": {"voice": "en-us"},
        "language": {"code": "en_US"},
        "phoneme_type": "espeak",
        "num_symbols": n_symbols,
        "num_speakers": 1,
        "speaker_id_map": {},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_id_map": {sym: [i] for i, sym in enumerate(PIPER_SYMBOLS)},
        "piper_version": "1.0.0",
        "dataset": "samantha-tiny-test",
    }


def make_voice(path: Path, sample_rate: int = 22050, hop: int = 256) -> Path:
    """Piper voice: path (.onnx) plus path + ".json"."""
    import onnx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n_symbols = 256  # like piper's own voices: room beyond the map's 161 symbols
    model = _voice_graph(n_symbols, hop, sample_rate)
    model.ir_version = 8  # readable by any onnxruntime piper supports
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    config = _voice_config(n_symbols, sample_rate)
    Path(f"{path}.json").write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")
    return path


# ------------------------------------------------------------------ entry points

def make_all(out_dir: Path) -> dict[str, Path]:
    """Write stt/, llm.gguf and voice.onnx(+.json) under out_dir; return their paths."""
    out_dir = Path(out_dir)
    return {"stt": make_whisper(out_dir / "stt"),
            "llm": make_llm(out_dir / "llm.gguf"),
            "voice": make_voice(out_dir / "voice.onnx")}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    for name, path in make_all(Path(argv[1])).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
