"""verl's own loss aggregation (verl.trainer.ppo.core_algos.agg_loss) on cases read from stdin.

stdin:  [{"mode": "...", "loss_mat": [[...]], "mask": [[...]], "loss_scale_factor": L | null}, ...]
stdout: [loss, ...]   (float64, one process, no data parallelism: verl's defaults)
"""

from __future__ import annotations

import json
import sys

import torch
from verl.trainer.ppo.core_algos import agg_loss


def main() -> None:
    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        loss = agg_loss(
            loss_mat=torch.tensor(case["loss_mat"], dtype=torch.float64),
            loss_mask=torch.tensor(case["mask"], dtype=torch.float64),
            loss_agg_mode=case["mode"],
            loss_scale_factor=case.get("loss_scale_factor"),
        )
        out.append(float(loss))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
