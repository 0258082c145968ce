"""The GPT benchmark's update step in PyTorch (CPU), for a peer comparison.

Same model as cliplab's GPT (pre-LayerNorm, learned positions, ReLU MLP of width 4d, no linear
biases, untied head over the allowed outputs), same batch, Adam. Prints one JSON line: the timings,
and what the peer really ran on (issue 20): the BLAS behind torch's matmul, read from torch's own
build config and from the libraries loaded into this process, its threads, and its matmul rate.
Usage: python gpt_torch.py '{"vocab":..,"context":..,"d":..,"heads":..,"layers":..,"outputs":..,
"rows":..,"positions":..,"predicted":..,"reps":..,"threads":..}'  (threads null: torch's default)
"""

import json
import math
import os
import re
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d, bias=False) for _ in range(4))
        self.w1, self.w2 = nn.Linear(d, 4 * d, bias=False), nn.Linear(4 * d, d, bias=False)

    def forward(self, x, mask):
        b, t, d = x.shape
        h = self.ln1(x)
        split = lambda y: y.view(b, t, self.heads, d // self.heads).transpose(1, 2)  # (B, H, T, D)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)  # (B, H, T, T)
        att = F.softmax(att.masked_fill(mask[:t, :t] == 0, float('-inf')), dim=-1)
        x = x + self.o((att @ v).transpose(1, 2).reshape(b, t, d))  # (B, T, d)
        return x + self.w2(F.relu(self.w1(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(a['vocab'], a['d']), nn.Embedding(a['context'], a['d'])
        self.blocks = nn.ModuleList(Block(a['d'], a['heads']) for _ in range(a['layers']))
        self.lnf, self.head = nn.LayerNorm(a['d']), nn.Linear(a['d'], a['outputs'], bias=False)
        self.register_buffer('mask', torch.tril(torch.ones(a['context'], a['context'])))

    def forward(self, idx, predicted):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))  # (B, T, d)
        for block in self.blocks:
            x = block(x, self.mask)
        return self.head(self.lnf(x[:, -predicted:]))  # (B, predicted, outputs)


# Shared objects that can be a BLAS, by what their resolved path says (Debian's alternatives put the
# netlib reference BLAS at .../blas/libblas.so.3 and OpenBLAS under .../openblas-*/).
LIBRARY_KINDS = [
    (re.compile(r'openblas'), 'OpenBLAS'),
    (re.compile(r'mkl'), 'MKL'),
    (re.compile(r'blis'), 'BLIS'),
    (re.compile(r'atlas'), 'ATLAS'),
    (re.compile(r'flexiblas'), 'FlexiBLAS'),
    (re.compile(r'/blas/libblas\.so'), 'reference BLAS (netlib)'),
    (re.compile(r'libblas\.so'), 'reference BLAS (netlib)'),
]
OPTIMISED = {'MKL', 'OpenBLAS', 'BLIS', 'FlexiBLAS'}


def loaded_libraries() -> list[str]:
    """Resolved paths of the shared objects mapped into this process (Linux)."""
    try:
        with open('/proc/self/maps', encoding='utf8') as maps:
            paths = {line.split()[-1] for line in maps if '.so' in line}
    except OSError:
        return []
    return sorted({os.path.realpath(p) for p in paths if p.startswith('/')})


def kind_of(path: str) -> str | None:
    name = path.lower()
    return next((kind for pattern, kind in LIBRARY_KINDS if pattern.search(name)), None)


def build_setting(config: str, key: str) -> str | None:
    found = re.search(rf'{key}=([^,\s]+)', config)
    return found.group(1) if found else None


def blas_in_use() -> dict:
    """The BLAS behind torch's matmul: MKL linked into torch, else the BLAS library it loaded."""
    config = torch.__config__.show()
    blas_info = build_setting(config, 'BLAS_INFO')
    libraries = [(p, kind_of(p)) for p in loaded_libraries()]
    blas_libraries = [(p, k) for p, k in libraries if k is not None and 'numpy' not in p and 'scipy' not in p]
    if blas_info == 'mkl' and torch.backends.mkl.is_available():
        version = re.search(r'Math Kernel Library Version (\S+)', config)
        name = f'MKL {version.group(1)}' if version else 'MKL'
        return {'name': name, 'kind': 'MKL', 'source': 'linked into torch (BLAS_INFO=mkl)', 'blas_info': blas_info}
    if blas_libraries:
        path, kind = blas_libraries[0]
        return {'name': kind, 'kind': kind, 'source': path, 'blas_info': blas_info}
    return {'name': f'unknown (BLAS_INFO={blas_info})', 'kind': 'unknown', 'source': None, 'blas_info': blas_info}


def thread_pools() -> list[dict]:
    """threadpoolctl's view of the loaded thread pools (numpy's own OpenBLAS included, marked)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [
        {'api': p['internal_api'], 'threads': p['num_threads'], 'path': p['filepath']}
        for p in threadpool_info()
    ]


def matmul_rate() -> float:
    """GFLOP/s of a 512^3 float32 matmul on the threads torch was given."""
    a, b = torch.randn(512, 512), torch.randn(512, 512)
    best = float('inf')
    for _ in range(10):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * 512**3 / best / 1e9


def time_updates(a: dict) -> list[float]:
    torch.manual_seed(1)
    model = Gpt(a)
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)
    idx = torch.randint(0, a['vocab'], (a['rows'], a['positions']))
    target = torch.randint(0, a['outputs'], (a['rows'], a['predicted']))

    def step():
        logits = model(idx, a['predicted'])
        loss = F.cross_entropy(logits.reshape(-1, a['outputs']), target.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(2):
        step()
    ms = []
    for _ in range(a['reps']):
        t0 = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t0) * 1000)
    return sorted(ms)


def main():
    a = json.loads(sys.argv[1])
    if a['threads'] is not None:
        torch.set_num_threads(a['threads'])
    ms = time_updates(a)
    blas = blas_in_use()
    print(
        json.dumps(
            {
                'min': ms[0],
                'median': ms[len(ms) // 2],
                'torch': torch.__version__,
                'blas': blas,
                'optimised_blas': blas['kind'] in OPTIMISED,
                'threads': torch.get_num_threads(),
                'pools': thread_pools(),
                'gflops': matmul_rate(),
            }
        )
    )


if __name__ == '__main__':
    main()
