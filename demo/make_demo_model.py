#!/usr/bin/python3
"""Generate the tiny LLaMA model pair and its XOR payload bundled under demo/.

Writes, below the repository root (or --output-root):

- demo/tiny-llama-hf/       base model in the layout that convert_llama_weights_to_hf.py
                            and save_pretrained of transformers 4.29.0.dev0 write
- demo/tiny-llama-sft/      fine-tune with perturbed weights and 16 added tokens
- demo/tiny-llama-sft-xor/  XOR payload of the fine-tune against the base
- checksums/tiny-llama-hf.md5, checksums/tiny-llama-sft.md5,
  checksums/tiny-llama-sft-xor.sha256

Every byte comes from fixed seeds, so a rerun with the same torch (1.13) and
sentencepiece (0.1.97) versions rewrites identical files. Run it with
Debian's /usr/bin/python3, which has python3-torch and python3-sentencepiece.
"""

import argparse
import hashlib
import io
import json
import random
import shutil
import sys
from pathlib import Path

try:
    import torch
except ImportError:
    sys.exit(f"error: torch is not installed for {sys.executable}; run this script with "
             "/usr/bin/python3 (Debian: apt-get install python3-torch)")
try:
    import sentencepiece
except ImportError:
    sys.exit(f"error: sentencepiece is not installed for {sys.executable}; run this script with "
             "/usr/bin/python3 (Debian: apt-get install python3-sentencepiece)")

# Versions that wrote the committed files. Other releases can write other
# bytes, because torch.save's zip layout and sentencepiece's training change
# between releases.
EXPECTED_TORCH = "1.13"
EXPECTED_SENTENCEPIECE = "0.1.97"

BASE_NAME = "tiny-llama-hf"
FINE_TUNE_NAME = "tiny-llama-sft"
PAYLOAD_NAME = "tiny-llama-sft-xor"

# Model dimensions. Each shard contains 300-400 KB of tensor data, so reads with
# 64 KiB blocks cross block boundaries, and the three folders stay near 3.3 MB.
# NOTE: every file is below 1 MiB, so a mount with 1 MiB blocks reads each
# file as one partial block. Tests of block-crossing reads need blocks of 256 KiB or less.
HIDDEN_SIZE = 96
INTERMEDIATE_SIZE = 256  # 8 * hidden / 3, as LLaMA sizes its MLP
NUM_LAYERS = 4
NUM_HEADS = 4
BASE_VOCAB_SIZE = 512
ADDED_TOKEN_COUNT = 16
FINE_TUNE_VOCAB_SIZE = BASE_VOCAB_SIZE + ADDED_TOKEN_COUNT
ROPE_BASE = 10000.0

# save_pretrained's max_shard_size ("400KB" means 400 * 10**3 bytes). With it,
# the greedy split gives 3 shards for both vocabulary sizes with the same
# tensor-to-shard map, which main() checks.
MAX_SHARD_BYTES = 400 * 10**3
SHARD_COUNT = 3

# The versions recorded in the published LLaMA 30B conversion and in the
# decoded oasst-sft-6-llama-30b. With 30B's dimensions, model_config() gives
# the conversion's published config.json md5, and generation_config() gives
# the published md5s of both generation_config.json files.
TRANSFORMERS_VERSION_BASE = "4.29.0.dev0"
TRANSFORMERS_VERSION_FINE_TUNE = "4.28.0.dev0"

TEXT_SEED = 1
BASE_WEIGHT_SEED = 2
FINE_TUNE_WEIGHT_SEED = 3
WEIGHT_STD = 0.02
FINE_TUNE_NOISE_STD = 0.002

# Files that the publishers' script copies into the payload as they are.
PLAIN_FILES = {"added_tokens.json"}

ADDED_TOKENS = [
    "<|prompter|>", "<|assistant|>", "<|system|>", "<|prefix_begin|>", "<|prefix_end|>",
] + [f"<|extra_{index}|>" for index in range(ADDED_TOKEN_COUNT - 5)]


class DemoError(Exception):
    """A generated file that fails a check, or settings that cannot give the required layout."""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="folder that receives demo/tiny-llama-*/ and checksums/; existing tiny-llama "
                             "folders there are replaced (default: the repository root)")
    parser.add_argument("--allow-other-versions", action="store_true",
                        help=f"run with torch other than {EXPECTED_TORCH} or sentencepiece other than "
                             f"{EXPECTED_SENTENCEPIECE}; the files may then differ from the committed ones")
    args = parser.parse_args()
    if not args.allow_other_versions:
        check_versions()

    demo_dir = args.output_root / "demo"
    checksum_dir = args.output_root / "checksums"
    base_dir = demo_dir / BASE_NAME
    fine_tune_dir = demo_dir / FINE_TUNE_NAME
    payload_dir = demo_dir / PAYLOAD_NAME
    for folder in (base_dir, fine_tune_dir, payload_dir):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    checksum_dir.mkdir(parents=True, exist_ok=True)

    tokenizer_model = train_tokenizer()
    base_state = make_base_state_dict()
    fine_tune_state = make_fine_tune_state_dict(base_state)

    write_weights(base_dir, base_state)
    write_base_configs(base_dir, tokenizer_model)
    write_weights(fine_tune_dir, fine_tune_state)
    write_fine_tune_configs(fine_tune_dir, tokenizer_model)
    write_payload(fine_tune_dir, base_dir, payload_dir)

    write_checksums(base_dir, checksum_dir / f"{BASE_NAME}.md5", "md5")
    write_checksums(fine_tune_dir, checksum_dir / f"{FINE_TUNE_NAME}.md5", "md5")
    write_checksums(payload_dir, checksum_dir / f"{PAYLOAD_NAME}.sha256", "sha256")

    verify_shards(base_dir, base_state)
    verify_shards(fine_tune_dir, fine_tune_state)
    verify_fine_tune_differs(base_state, fine_tune_state)
    verify_payload_decodes(payload_dir, base_dir, checksum_dir / f"{FINE_TUNE_NAME}.md5")
    print_lengths(base_dir, fine_tune_dir)
    print(f"wrote and verified {base_dir}, {fine_tune_dir}, {payload_dir} and {checksum_dir}")


def check_versions():
    torch_version = torch.__version__
    sentencepiece_version = sentencepiece.__version__
    if not torch_version.startswith(EXPECTED_TORCH + "."):
        sys.exit(f"error: {sys.executable} has torch {torch_version}, but the committed files were "
                 f"written with torch {EXPECTED_TORCH} (Debian 12's python3-torch); use that interpreter "
                 "or pass --allow-other-versions to write different bytes")
    if sentencepiece_version != EXPECTED_SENTENCEPIECE:
        sys.exit(f"error: {sys.executable} has sentencepiece {sentencepiece_version}, but the committed "
                 f"files were written with {EXPECTED_SENTENCEPIECE} (Debian 12's python3-sentencepiece); "
                 "use that interpreter or pass --allow-other-versions to write different bytes")


# ---------------------------------------------------------------- tokenizer

def make_training_text():
    """Generate 4000 seeded English sentences for the tokenizer to learn from."""
    rng = random.Random(TEXT_SEED)
    subjects = ["the user", "a reader", "the kernel", "every loader", "the cache", "this model",
                "the publisher", "a small test", "the mount", "our script"]
    verbs = ["reads", "writes", "checks", "decodes", "opens", "maps", "loads", "serves",
             "compares", "downloads", "verifies", "skips"]
    objects = ["the base shard", "each payload file", "a block of bytes", "the fine-tuned weights",
               "the tokenizer model", "every tensor", "the index file", "one page", "the checksum list",
               "a large vocabulary", "the attention heads", "four layers"]
    endings = ["quickly", "again", "from disk", "in order", "at random offsets", "without a copy",
               "before lunch", "with care", "twice", "under a minute"]
    lines = []
    for _ in range(4000):
        sentence = f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)}"
        if rng.random() < 0.6:
            sentence += " " + rng.choice(endings)
        if rng.random() < 0.2:
            sentence += f" at offset {rng.randint(0, 99999)}"
        lines.append(sentence[0].upper() + sentence[1:] + rng.choice([".", ".", ".", "?", "!"]))
    return lines


def train_tokenizer():
    """Train a byte-fallback BPE sentencepiece model with LLaMA's special ids; return its bytes.

    The options follow LLaMA's tokenizer: <unk>=0, <s>=1, </s>=2, no padding
    piece, digits split, byte fallback. One thread and an in-memory input keep
    the output identical across runs (a file input would store its path).
    """
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(make_training_text()), model_writer=model,
        vocab_size=BASE_VOCAB_SIZE, model_type="bpe", byte_fallback=True, split_digits=True,
        character_coverage=1.0, num_threads=1, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        normalization_rule_name="identity", remove_extra_whitespaces=False,
        allow_whitespace_only_pieces=True, minloglevel=2)
    return model.getvalue()


def make_tokenizer_json(tokenizer_model):
    """Build a tokenizers-library description of the sentencepiece model.

    Merges are every pair of pieces whose concatenation is a piece, ranked by
    the merged piece's id. The file is only part of the base's layout: the
    payload lacks it, as in the published releases.
    """
    processor = sentencepiece.SentencePieceProcessor(model_proto=tokenizer_model)
    vocab = {processor.id_to_piece(index): index for index in range(processor.get_piece_size())}
    merges = []
    for left in vocab:
        for right in vocab:
            merged = vocab.get(left + right)
            if merged is not None:
                merges.append((merged, vocab[left], vocab[right], f"{left} {right}"))
    merges.sort()
    special_tokens = [
        {"id": index, "content": processor.id_to_piece(index), "single_word": False, "lstrip": False,
         "rstrip": False, "normalized": True, "special": True}
        for index in (0, 1, 2)
    ]
    description = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": special_tokens,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
        ]},
        "pre_tokenizer": None,
        "post_processor": None,
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True,
                  "vocab": vocab, "merges": [merge[3] for merge in merges]},
    }
    return json.dumps(description, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- weights

def state_dict_names():
    """Return the tensor names in LlamaForCausalLM.state_dict() order (transformers 4.28 and 4.29)."""
    names = ["model.embed_tokens.weight"]
    for layer in range(NUM_LAYERS):
        prefix = f"model.layers.{layer}."
        names += [prefix + f"self_attn.{projection}_proj.weight" for projection in "qkvo"]
        names.append(prefix + "self_attn.rotary_emb.inv_freq")
        names += [prefix + f"mlp.{projection}_proj.weight" for projection in ("gate", "down", "up")]
        names += [prefix + "input_layernorm.weight", prefix + "post_attention_layernorm.weight"]
    names += ["model.norm.weight", "lm_head.weight"]
    return names


def tensor_shape(name, vocab_size):
    if name in ("model.embed_tokens.weight", "lm_head.weight"):
        return (vocab_size, HIDDEN_SIZE)
    if name.endswith("inv_freq"):
        return (HIDDEN_SIZE // NUM_HEADS // 2,)
    if name.endswith("norm.weight"):
        return (HIDDEN_SIZE,)
    if name.endswith(("q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight")):
        return (HIDDEN_SIZE, HIDDEN_SIZE)
    if name.endswith("down_proj.weight"):
        return (HIDDEN_SIZE, INTERMEDIATE_SIZE)
    return (INTERMEDIATE_SIZE, HIDDEN_SIZE)  # gate_proj and up_proj


def rotary_inv_freq():
    """Return RoPE's inverse frequencies as LlamaRotaryEmbedding computes them, stored as fp16."""
    head_dim = HIDDEN_SIZE // NUM_HEADS
    exponents = torch.arange(0, head_dim, 2).float() / head_dim
    return (1.0 / (ROPE_BASE ** exponents)).half()


def make_base_state_dict():
    """Return seeded fp16 base weights: normal(0, 0.02) matrices and norms near 1."""
    generator = torch.Generator().manual_seed(BASE_WEIGHT_SEED)
    state = {}
    for name in state_dict_names():
        shape = tensor_shape(name, BASE_VOCAB_SIZE)
        if name.endswith("inv_freq"):
            state[name] = rotary_inv_freq()
        elif name.endswith("norm.weight"):
            state[name] = (1.0 + 0.05 * torch.randn(shape, generator=generator)).half()
        else:
            state[name] = (WEIGHT_STD * torch.randn(shape, generator=generator)).half()
    return state


def make_fine_tune_state_dict(base_state):
    """Return the base weights plus seeded noise, with rows for the added tokens.

    Every weight differs from the base, so a wrong decode shows up as changed
    tensors. inv_freq is a fixed buffer, equal in both models as in real ones.
    """
    generator = torch.Generator().manual_seed(FINE_TUNE_WEIGHT_SEED)
    state = {}
    for name, base_tensor in base_state.items():
        if name.endswith("inv_freq"):
            state[name] = base_tensor.clone()
            continue
        noise = FINE_TUNE_NOISE_STD * torch.randn(base_tensor.shape, generator=generator)
        tensor = (base_tensor.float() + noise).half()
        if name in ("model.embed_tokens.weight", "lm_head.weight"):
            added_rows = WEIGHT_STD * torch.randn((ADDED_TOKEN_COUNT, HIDDEN_SIZE), generator=generator)
            tensor = torch.cat([tensor, added_rows.half()])
        state[name] = tensor
    return state


def tensor_bytes(tensor):
    return tensor.numel() * tensor.element_size()


def split_into_shards(state):
    """Split the state dict greedily, as transformers' shard_checkpoint does for save_pretrained.

    Tensors are taken in order. A tensor that would push the current shard
    over MAX_SHARD_BYTES starts the next shard. Shards are plain dicts, as in
    transformers, so torch.save pickles a dict rather than an OrderedDict.
    """
    shards = [{}]
    shard_bytes = 0
    for name, tensor in state.items():
        size = tensor_bytes(tensor)
        if shard_bytes + size > MAX_SHARD_BYTES and shards[-1]:
            shards.append({})
            shard_bytes = 0
        shards[-1][name] = tensor
        shard_bytes += size
    return shards


def shard_file_name(index, count):
    return f"pytorch_model-{index + 1:05d}-of-{count:05d}.bin"


def write_weights(model_dir, state):
    """Write the shards and pytorch_model.bin.index.json.

    torch.save is called on the final path because torch 1.13 names the
    archive's top folder after the file name, so writing elsewhere and
    renaming would change the bytes.
    """
    shards = split_into_shards(state)
    if len(shards) != SHARD_COUNT:
        raise DemoError(f"expected {SHARD_COUNT} shards but the split gave {len(shards)}; "
                        "adjust MAX_SHARD_BYTES")
    weight_map = {}
    for index, shard in enumerate(shards):
        file_name = shard_file_name(index, len(shards))
        torch.save(shard, model_dir / file_name)
        for name in shard:
            weight_map[name] = file_name
    index_json = {"metadata": {"total_size": sum(tensor_bytes(tensor) for tensor in state.values())},
                  "weight_map": weight_map}
    write_json(model_dir / "pytorch_model.bin.index.json", index_json)


# ---------------------------------------------------------------- configs

def write_json(path, value):
    """Write JSON as transformers' save_pretrained does: indent 2, sorted keys, final newline."""
    path.write_text(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def model_config(vocab_size, transformers_version):
    return {
        "architectures": ["LlamaForCausalLM"],
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "hidden_size": HIDDEN_SIZE,
        "initializer_range": 0.02,
        "intermediate_size": INTERMEDIATE_SIZE,
        "max_position_embeddings": 2048,
        "model_type": "llama",
        "num_attention_heads": NUM_HEADS,
        "num_hidden_layers": NUM_LAYERS,
        "pad_token_id": 0,
        "rms_norm_eps": 1e-06,
        "tie_word_embeddings": False,
        "torch_dtype": "float16",
        "transformers_version": transformers_version,
        "use_cache": True,
        "vocab_size": vocab_size,
    }


def generation_config(transformers_version):
    return {"_from_model_config": True, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0,
            "transformers_version": transformers_version}


def added_token(content):
    """Return a special token in the serialized AddedToken form of LLaMA's conversion.

    With it, the base's special_tokens_map.json and tokenizer_config.json have
    the published md5s of the LLaMA 30B conversion.
    """
    return {"content": content, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}


def write_base_configs(model_dir, tokenizer_model):
    write_json(model_dir / "config.json", model_config(BASE_VOCAB_SIZE, TRANSFORMERS_VERSION_BASE))
    write_json(model_dir / "generation_config.json", generation_config(TRANSFORMERS_VERSION_BASE))
    (model_dir / "tokenizer.model").write_bytes(tokenizer_model)
    (model_dir / "tokenizer.json").write_text(make_tokenizer_json(tokenizer_model), encoding="utf-8")
    special_tokens = {"bos_token": added_token("<s>"), "eos_token": added_token("</s>"),
                      "unk_token": added_token("<unk>")}
    write_json(model_dir / "special_tokens_map.json", special_tokens)
    tokenizer_config = {name: {"__type": "AddedToken", **token} for name, token in special_tokens.items()}
    tokenizer_config.update({
        "add_bos_token": True,
        "add_eos_token": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": int(1e30),  # transformers' VERY_LARGE_INTEGER: no limit recorded
        "pad_token": None,
        "sp_model_kwargs": {},
        "tokenizer_class": "LlamaTokenizer",
    })
    write_json(model_dir / "tokenizer_config.json", tokenizer_config)


def write_fine_tune_configs(model_dir, tokenizer_model):
    """Write the fine-tune's configs: a larger vocabulary, chat tokens, plain-string special tokens.

    special_tokens_map.json and tokenizer_config.json come out shorter than
    the base's, so the payload exercises the truncate rule as well as the pad rule.
    """
    config = model_config(FINE_TUNE_VOCAB_SIZE, TRANSFORMERS_VERSION_FINE_TUNE)
    config["_name_or_path"] = BASE_NAME  # trainers record the model they started from
    write_json(model_dir / "config.json", config)
    write_json(model_dir / "generation_config.json", generation_config(TRANSFORMERS_VERSION_FINE_TUNE))
    (model_dir / "tokenizer.model").write_bytes(tokenizer_model)
    special_tokens = {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "</s>", "unk_token": "<unk>"}
    write_json(model_dir / "special_tokens_map.json", special_tokens)
    tokenizer_config = dict(special_tokens)
    tokenizer_config.update({
        "add_bos_token": True,
        "add_eos_token": False,
        "additional_special_tokens": ADDED_TOKENS[:5],
        "clean_up_tokenization_spaces": False,
        "model_max_length": 2048,
        "sp_model_kwargs": {},
        "tokenizer_class": "LlamaTokenizer",
    })
    write_json(model_dir / "tokenizer_config.json", tokenizer_config)
    added = {token: BASE_VOCAB_SIZE + index for index, token in enumerate(ADDED_TOKENS)}
    write_json(model_dir / "added_tokens.json", added)


# ---------------------------------------------------------------- payload

def xor_with_base(data, base):
    """Return data XOR base over the first len(base) bytes, then data's remaining bytes unchanged.

    This is the rule of xor_codec.py, the script that OpenAssistant publishes
    with its XOR releases, and it serves both directions. Encoding takes the
    fine-tune file as data and gives the payload file. Decoding takes the payload
    file and gives the fine-tune file back. The result always has len(data)
    bytes: a shorter base counts as zero-padded, a longer one as truncated.
    """
    return bytes(left ^ right for left, right in zip(data, base)) + data[len(base):]


def write_payload(fine_tune_dir, base_dir, payload_dir):
    """Encode every fine-tune file against the base file of the same name.

    Files in PLAIN_FILES are copied as they are, and a fine-tune file without
    a base counterpart is an error, as the publishers' decoder would drop it.
    """
    for source in sorted(fine_tune_dir.iterdir()):
        data = source.read_bytes()
        if source.name in PLAIN_FILES:
            (payload_dir / source.name).write_bytes(data)
            continue
        base_file = base_dir / source.name
        if not base_file.is_file():
            raise DemoError(f"{source} has no base counterpart {base_file}; add it to PLAIN_FILES or the base")
        (payload_dir / source.name).write_bytes(xor_with_base(data, base_file.read_bytes()))


def write_checksums(folder, checksum_file, algorithm):
    """Write `<hex digest>  <file name>` lines sorted by name, the md5sum/sha256sum -c format."""
    lines = [f"{hashlib.new(algorithm, path.read_bytes()).hexdigest()}  {path.name}\n"
             for path in sorted(folder.iterdir())]
    checksum_file.write_text("".join(lines), encoding="utf-8")


# ---------------------------------------------------------------- verification

def verify_shards(model_dir, state):
    """Check that every shard loads with torch.load and contains exactly the expected tensors."""
    index = json.loads((model_dir / "pytorch_model.bin.index.json").read_text(encoding="utf-8"))
    expected_total = sum(tensor_bytes(tensor) for tensor in state.values())
    if index["metadata"]["total_size"] != expected_total:
        raise DemoError(f"{model_dir}: index total_size {index['metadata']['total_size']} "
                        f"differs from the tensor bytes {expected_total}")
    seen = []
    for index_number in range(SHARD_COUNT):
        file_name = shard_file_name(index_number, SHARD_COUNT)
        loaded = torch.load(model_dir / file_name, map_location="cpu")
        for name, tensor in loaded.items():
            if index["weight_map"].get(name) != file_name:
                raise DemoError(f"{model_dir / file_name}: tensor {name} is not mapped to this shard")
            if tensor.dtype != torch.float16 or not torch.equal(tensor, state[name]):
                raise DemoError(f"{model_dir / file_name}: tensor {name} does not match the generated one")
            seen.append(name)
    if seen != list(state):
        raise DemoError(f"{model_dir}: shards contain {len(seen)} tensors, expected {len(state)} in order")
    first_shard = shard_file_name(0, SHARD_COUNT)
    last_shard = shard_file_name(SHARD_COUNT - 1, SHARD_COUNT)
    if index["weight_map"]["model.embed_tokens.weight"] != first_shard \
            or index["weight_map"]["lm_head.weight"] != last_shard:
        raise DemoError(f"{model_dir}: embed_tokens must be in {first_shard} and lm_head in {last_shard}")


def verify_fine_tune_differs(base_state, fine_tune_state):
    """Check that the tensor-to-shard map matches and that every trained tensor changed."""
    if shard_numbers(base_state) != shard_numbers(fine_tune_state):
        raise DemoError("base and fine-tune split into shards differently; adjust MAX_SHARD_BYTES")
    for name, base_tensor in base_state.items():
        if name.endswith("inv_freq"):
            continue
        rows = base_tensor.shape[0]
        if torch.equal(fine_tune_state[name][:rows], base_tensor):
            raise DemoError(f"fine-tune tensor {name} equals the base tensor")


def shard_numbers(state):
    """Return the index of the shard that each tensor name goes to."""
    numbers = {}
    for index, shard in enumerate(split_into_shards(state)):
        for name in shard:
            numbers[name] = index
    return numbers


def read_checksums(checksum_file):
    entries = {}
    for line in checksum_file.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        entries[name] = digest
    return entries


def verify_payload_decodes(payload_dir, base_dir, fine_tune_checksums):
    """Decode the payload by the publishers' rule and compare with the fine-tune's md5 list."""
    expected = read_checksums(fine_tune_checksums)
    decoded_names = sorted(path.name for path in payload_dir.iterdir())
    if decoded_names != sorted(expected):
        raise DemoError(f"payload files {decoded_names} differ from {fine_tune_checksums} entries")
    for name in decoded_names:
        payload = (payload_dir / name).read_bytes()
        decoded = payload if name in PLAIN_FILES else xor_with_base(payload, (base_dir / name).read_bytes())
        if hashlib.md5(decoded).hexdigest() != expected[name]:
            raise DemoError(f"decoding {payload_dir / name} does not reproduce the md5 in {fine_tune_checksums}")
    if any((payload_dir / "tokenizer.model").read_bytes()):
        raise DemoError("payload tokenizer.model must be all zeros, because the tokenizers are identical")


def print_lengths(base_dir, fine_tune_dir):
    """Print each fine-tune file's length next to its base file's, and check that both rules occur."""
    relations = set()
    for path in sorted(fine_tune_dir.iterdir()):
        base_file = base_dir / path.name
        base_length = base_file.stat().st_size if base_file.is_file() else None
        length = path.stat().st_size
        if base_length is None:
            relation = "no base"
        elif length > base_length:
            relation = "longer"
        elif length < base_length:
            relation = "shorter"
        else:
            relation = "equal"
        relations.add(relation)
        print(f"  {path.name:40} {length:>9} bytes, base {base_length!s:>9}: {relation}")
    if not {"longer", "shorter"} <= relations:
        raise DemoError("the fine-tune needs files both longer and shorter than the base")


if __name__ == "__main__":
    try:
        main()
    except DemoError as error:
        sys.exit(f"error: {error}")
    except OSError as error:
        sys.exit(f"error: {error.filename}: {error.strerror}; check that --output-root is a writable folder")
