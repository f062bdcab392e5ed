#!/usr/bin/python3
"""Load a Hugging Face model folder the way transformers 4.28-4.36 does and check it.

Modes:
  compare MODEL_DIR ORIGINAL_DIR
      Read config.json and pytorch_model.bin.index.json from MODEL_DIR, torch.load every
      shard with map_location="cpu", and compare every tensor's name, dtype, shape and values
      with the same shard in ORIGINAL_DIR. Prints one line per difference, naming the tensor,
      and exits 1 if there is any.
  digest SHARD
      torch.load one shard and print a sha256 over its tensor names, dtypes, shapes and bytes,
      so several processes reading the same file can be compared.

Run it with Debian's /usr/bin/python3, which has python3-torch (torch 1.13).
"""

import hashlib
import json
import sys
from pathlib import Path

import torch

MAX_REPORTED = 20


def load_shard(path):
    return torch.load(str(path), map_location="cpu")


def compare(model_dir, original_dir):
    problems = []
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    original_config = json.loads((original_dir / "config.json").read_text(encoding="utf-8"))
    if config != original_config:
        problems.append("config.json differs from the original")

    index = json.loads((model_dir / "pytorch_model.bin.index.json").read_text(encoding="utf-8"))
    original_index = json.loads((original_dir / "pytorch_model.bin.index.json").read_text(encoding="utf-8"))
    if index != original_index:
        problems.append("pytorch_model.bin.index.json differs from the original")
    weight_map = index["weight_map"]

    tensors = 0
    shards = sorted(set(weight_map.values()))
    for shard in shards:
        state = load_shard(model_dir / shard)
        original = load_shard(original_dir / shard)
        for name in sorted(set(original) - set(state)):
            problems.append(f"tensor {name} in {shard}: missing")
        for name in sorted(set(state) - set(original)):
            problems.append(f"tensor {name} in {shard}: not in the original")
        for name in sorted(set(state) & set(original)):
            tensors += 1
            if weight_map.get(name) != shard:
                problems.append(f"tensor {name} in {shard}: the index places it in {weight_map.get(name)}")
            loaded, expected = state[name], original[name]
            if loaded.dtype != expected.dtype:
                problems.append(f"tensor {name} in {shard}: dtype {loaded.dtype}, original {expected.dtype}")
            elif tuple(loaded.shape) != tuple(expected.shape):
                problems.append(f"tensor {name} in {shard}: shape {tuple(loaded.shape)}, original {tuple(expected.shape)}")
            elif not torch.equal(loaded, expected):
                differing = int((loaded != expected).sum())
                problems.append(f"tensor {name} in {shard}: {differing} of {loaded.numel()} values differ")
    missing_from_shards = sorted(name for name in weight_map if weight_map[name] not in shards)
    problems.extend(f"tensor {name}: its shard is not in the index" for name in missing_from_shards)

    for problem in problems[:MAX_REPORTED]:
        print("MISMATCH " + problem)
    if len(problems) > MAX_REPORTED:
        print(f"MISMATCH and {len(problems) - MAX_REPORTED} more")
    if problems:
        return 1
    print(f"OK {tensors} tensors in {len(shards)} shards")
    return 0


def digest(shard):
    state = load_shard(shard)
    sha = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name].contiguous()
        sha.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode("utf-8"))
        sha.update(tensor.numpy().tobytes())
    print(sha.hexdigest())
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "compare":
        return compare(Path(argv[2]), Path(argv[3]))
    if len(argv) == 3 and argv[1] == "digest":
        return digest(Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
