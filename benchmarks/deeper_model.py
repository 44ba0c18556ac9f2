"""A 12-layer encoder of the default e5-small's shape, for throughput runs: all-MiniLM-L6-v2 with its
six transformer layers repeated (12 layers, hidden 384, FFN 1536, as multilingual-e5-small), saved as
a sentence-transformers folder. Its vectors are not meant to be good; its cost per question is that of
a model the size of the default, which cannot be downloaded on this offline machine.

    python benchmarks/deeper_model.py OUT_DIR
    python benchmarks/bench_query.py --model OUT_DIR --index /tmp/idx12
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perfkit import minilm_path  # noqa: E402


def main() -> None:
    from sentence_transformers import SentenceTransformer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="the folder to write the 12-layer model to")
    out = parser.parse_args().out_dir
    model = SentenceTransformer(minilm_path(), device="cpu")
    bert = model[0].auto_model
    layers = bert.encoder.layer
    for layer in list(layers):
        layers.append(copy.deepcopy(layer))
    bert.config.num_hidden_layers = len(layers)
    model.save(str(out))
    print(f"{out}: {len(layers)} layers")


if __name__ == "__main__":
    main()
