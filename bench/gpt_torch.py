"""The GPT benchmark's update step in PyTorch (CPU), for a peer comparison.

Same model as cliplab's GPT (pre-LayerNorm, learned positions, ReLU MLP of width 4d, no linear
biases, untied head over the allowed outputs), same batch, Adam. Prints one JSON line.
Usage: python3 gpt_torch.py '{"vocab":..,"context":..,"d":..,"heads":..,"layers":..,"outputs":..,
"rows":..,"positions":..,"predicted":..,"reps":..,"threads":..}'
"""
import json
import math
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
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        att = F.softmax(att.masked_fill(mask[:t, :t] == 0, float('-inf')), dim=-1)
        x = x + self.o((att @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.w2(F.relu(self.w1(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(a['vocab'], a['d']), nn.Embedding(a['context'], a['d'])
        self.blocks = nn.ModuleList(Block(a['d'], a['heads']) for _ in range(a['layers']))
        self.lnf, self.head = nn.LayerNorm(a['d']), nn.Linear(a['d'], a['outputs'], bias=False)
        self.register_buffer('mask', torch.tril(torch.ones(a['context'], a['context'])))

    def forward(self, idx, predicted):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x, self.mask)
        return self.head(self.lnf(x[:, -predicted:]))


def main():
    a = json.loads(sys.argv[1])
    torch.set_num_threads(a['threads'])
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
    ms.sort()
    print(json.dumps({'min': ms[0], 'median': ms[len(ms) // 2], 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
