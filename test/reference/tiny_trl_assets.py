"""Writes what a TRL job on a Ray cluster reads, for the tests that submit real jobs: a tiny random
Llama with its character tokenizer (save_pretrained, loadable with AutoModelForCausalLM /
AutoTokenizer) and a JSON-lines dataset of arithmetic prompts with answers. Built from the probe
tests' own helpers (python/cliplab-probe/tests), so the job trains the model those tests check.

    python test/reference/tiny_trl_assets.py OUT_DIR      -> OUT_DIR/model/, OUT_DIR/prompts.jsonl"""

import json
import random
import sys
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parents[2] / "python" / "cliplab-probe" / "tests")
)

from tiny_models import tiny_llama
from trl_run import SYMBOLS, char_tokenizer


def main(out: Path) -> None:
    model_dir = out / "model"
    tiny_llama(vocab=len(SYMBOLS) + 3).save_pretrained(model_dir)
    char_tokenizer().save_pretrained(model_dir)
    rng = random.Random(0)
    with (out / "prompts.jsonl").open("w") as f:
        for _ in range(64):
            a, b = rng.randint(0, 99), rng.randint(0, 99)
            f.write(json.dumps({"prompt": f"{a}+{b}=", "answer": str(a + b)}) + "\n")
    print(json.dumps({"model": str(model_dir), "dataset": str(out / "prompts.jsonl")}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
