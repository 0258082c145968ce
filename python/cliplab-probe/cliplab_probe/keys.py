"""Metric names the probe writes: cliplab's canonical keys (src-main/contract/metrics.ts), so a probe
stream, a local run and an imported log speak the same names. Keys ending in `_logit` are the cheap
per-context logit-space *estimate* (research/paper.md, "Derived first-order formulas"); the same
names without the suffix are the exact first-order attribution (autodiff, the optimizer's step map)."""

ENTROPY = "entropy"
ENTROPY_DELTA = "entropy/delta"  # measured: mean entropy of the update's tokens after minus before
ENTROPY_DELTA_PRED = "entropy/delta_pred"  # exact <grad H, theta_{k+1} - theta_k>
# delta_pred = unclipped + low_drift + high_drift + dual_drift + momentum + other
ENTROPY_DELTA_PRED_UNCLIPPED = "entropy/delta_pred_unclipped"  # the unclipped surrogate's tokens (w_t c_t)
ENTROPY_DELTA_PRED_MOMENTUM = "entropy/delta_pred_momentum"  # the optimizer's momentum from earlier updates
# the rest no token owns: weight decay, KL-penalty and entropy-bonus gradients, rounding
ENTROPY_DELTA_PRED_OTHER = "entropy/delta_pred_other"
CLIP_LOW_FRAC = "clip/low_frac"
CLIP_HIGH_FRAC = "clip/high_frac"
CLIP_DUAL_FRAC = "clip/dual_frac"
CLIP_LOW_GAP = "clip/low_surprisal_gap"
CLIP_HIGH_GAP = "clip/high_surprisal_gap"
CLIP_LOW_DRIFT = "clip/low_drift"
CLIP_HIGH_DRIFT = "clip/high_drift"
CLIP_DUAL_DRIFT = "clip/dual_drift"
RATIO_MIN = "ratio/min"
RATIO_MAX = "ratio/max"
KL_PPO = "kl/ppo"
TOKENS = "tokens"  # cumulative response tokens trained on

LOGIT_SUFFIX = "_logit"
ENTROPY_DELTA_PRED_LOGIT = ENTROPY_DELTA_PRED + LOGIT_SUFFIX
CLIP_LOW_DRIFT_LOGIT = CLIP_LOW_DRIFT + LOGIT_SUFFIX
CLIP_HIGH_DRIFT_LOGIT = CLIP_HIGH_DRIFT + LOGIT_SUFFIX

# The probe's own cost, so its overhead is visible in the run it measures.
PROBE_TIME = "probe/time_s"
PROBE_ATTRIBUTION_TIME = "probe/attribution_time_s"
