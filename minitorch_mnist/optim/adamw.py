"""AdamW (Loshchilov & Hutter, 2019) exactly as torch.optim.AdamW: Adam with the weight decay taken out of the
gradient and applied to the weights directly ("decoupled").

For each parameter p with gradient g, at step t = 1, 2, ...:
    p = p * (1 - lr * weight_decay)           (decoupled decay, before the Adam step; AdamW's only difference)
    then Adam's update with weight_decay = 0 (see adam.py): moments m, v, bias corrections, p -= lr m_hat / (sqrt(v_hat) + eps)

State per parameter: Adam's ("step", "exp_avg", "exp_avg_sq").
"""

from .adam import Adam


class AdamW(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        for option, value in (("amsgrad", amsgrad), ("maximize", maximize), ("capturable", capturable),
                              ("differentiable", differentiable), ("fused", fused)):
            if value:
                raise ValueError(f"AdamW: {option}=True is not supported by the engine; the engine's AdamW "
                                 f"is PyTorch's with its other defaults")
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def step(self):
        decays = []
        for group in self.param_groups:
            shrink = 1 - group["lr"] * group["weight_decay"]
            for parameter in group["params"]:
                if parameter.grad is not None and shrink != 1:
                    parameter.array *= shrink
                    parameter._bump_version()
            decays.append(group["weight_decay"])
            group["weight_decay"] = 0.0  # Adam's step must not add the decay to the gradient as well
        try:
            super().step()
        finally:
            for group, weight_decay in zip(self.param_groups, decays):
                group["weight_decay"] = weight_decay
