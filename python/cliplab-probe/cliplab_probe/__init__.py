"""cliplab-probe: cliplab's clip diagnostics inside the trainers people run at scale.

    from cliplab_probe.trl import attach_probe      # TRL GRPOTrainer
    actor_rollout_ref.actor.policy_loss.loss_mode=cliplab_probe   # verl (see cliplab_probe.verl)

The core (core.py, optim.py, attribution.py, stream.py) needs torch only; trl.py and verl.py import
their trainer when used."""

__version__ = "0.1.0"

from .core import ClipSettings, TokenBatch
from .probe import Probe, ProbeOptions
from .stream import ProbeStream

__all__ = ["ClipSettings", "Probe", "ProbeOptions", "ProbeStream", "TokenBatch", "__version__"]
