"""The step maps predict torch.optim's real steps, and their P is the step per unit of this update's gradient."""

import pytest
import torch

from cliplab_probe.optim import coming_step_norm, coming_steps, step_fn

CASES = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd-momentum-wd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "sgd-nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1),
    "adam-amsgrad": lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.05),
    "adamw-fused": lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.8, 0.99), fused=True),
    "adamw-maximize": lambda p: torch.optim.AdamW(p, lr=0.01, maximize=True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_predicted_step_is_the_real_step(name):
    torch.manual_seed(0)
    params = [torch.nn.Parameter(torch.randn(5, 3, dtype=torch.float64)), torch.nn.Parameter(torch.randn(4))]
    opt = CASES[name](params)
    for _ in range(4):
        for p in params:
            p.grad = torch.randn_like(p)
        predicted = [ps.step.clone() for ps in coming_steps(opt)]
        norm = coming_step_norm(opt)
        before = [p.detach().clone() for p in params]
        opt.step()
        for p, b, step in zip(params, before, predicted, strict=True):
            torch.testing.assert_close(p.detach() - b, step, rtol=1e-5, atol=1e-6)
        actual = sum(float((p.detach() - b).double().pow(2).sum()) for p, b in zip(params, before, strict=True))
        assert norm == pytest.approx(actual**0.5, rel=1e-5)


NO_CARRY = {
    # optimizer, steps before the checked one: momentum and decay are zero there, so step = -P g
    "sgd": (lambda p: torch.optim.SGD(p, lr=0.1), 3),
    "sgd-momentum-first": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), 0),
    "adam-first": (lambda p: torch.optim.Adam(p, lr=0.01), 0),
    "adam-no-beta1": (lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.0, 0.99)), 3),
    "adamw-no-beta1": (lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.0, 0.9), weight_decay=0.0), 2),
}


@pytest.mark.parametrize("name", sorted(NO_CARRY))
def test_step_is_precond_times_gradient_when_nothing_is_carried(name):
    make, warmup = NO_CARRY[name]
    torch.manual_seed(1)
    p = torch.nn.Parameter(torch.randn(6, dtype=torch.float64))
    opt = make([p])
    for _ in range(warmup):
        p.grad = torch.randn_like(p)
        opt.step()
    p.grad = torch.randn_like(p)
    (ps,) = list(coming_steps(opt))
    torch.testing.assert_close(ps.step, -ps.precond * p.grad)
    assert ps.momentum is None or float(ps.momentum.abs().max()) == 0


def test_momentum_is_the_part_of_the_step_from_earlier_gradients():
    """With a zero gradient now, Adam (no decay) and SGD with momentum step by their momentum alone."""
    for make in (lambda q: torch.optim.Adam(q, lr=0.01), lambda q: torch.optim.SGD(q, lr=0.1, momentum=0.9)):
        p = torch.nn.Parameter(torch.randn(5, dtype=torch.float64))
        opt = make([p])
        p.grad = torch.randn_like(p)
        opt.step()
        p.grad = torch.zeros_like(p)
        (ps,) = list(coming_steps(opt))
        torch.testing.assert_close(ps.step, ps.momentum)


def test_unknown_optimizers_are_named():
    p = [torch.nn.Parameter(torch.zeros(2))]
    opt = torch.optim.RMSprop(p)
    p[0].grad = torch.ones(2)
    assert step_fn(opt) is None
    with pytest.raises(NotImplementedError, match="RMSprop"):
        list(coming_steps(opt))
