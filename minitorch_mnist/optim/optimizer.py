"""Optimizer base: parameter groups (each with its own hyperparameters) and per-parameter state, as in torch.optim.

state_dict() has PyTorch's structure, with parameters replaced by their position counted across groups:

    {"state":        {0: {"momentum_buffer": array}, 1: {...}, ...},     only parameters that have state
     "param_groups": [{"lr": 0.01, "momentum": 0.9, ..., "params": [0, 1]}, {..., "params": [2, 3]}]}

Every value in it is a NumPy array (a copy), a Python number, bool or string, or a tuple/list/dict of
those, so it can be stored without pickle: arrays in an .npz, everything else as JSON.
"""

import numpy as np

from ..autograd.tensor import Tensor


# the hyperparameters that only select a variant or an implementation (torch fills them in when loading, too)
FLAGS = ("amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused", "decoupled_weight_decay")


def check_non_negative(**hyperparameters):
    """PyTorch's ValueError for the first negative hyperparameter, in the order given ("Invalid learning rate: -1",
    "Invalid epsilon value: -1", "Invalid NAME value: -1")."""
    labels = {"lr": "learning rate", "eps": "epsilon value"}
    for name, value in hyperparameters.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {labels.get(name, name + ' value')}: {value}")


def check_flags(name, foreach=None, fused=None, differentiable=False, capturable=False):
    """PyTorch's implementation flags. foreach and fused only choose how torch loops over the parameters: they
    are kept in the defaults (so param_groups, state_dict and the repr hold torch's keys) and the arithmetic is the
    same. differentiable (autograd through the step) and capturable (CUDA graphs, which torch refuses for CPU
    parameters) cannot be honoured and raise."""
    if foreach and fused:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if differentiable:
        raise NotImplementedError(f"{name}: differentiable=True (autograd through the optimizer step) is not "
                                  f"supported by the engine")
    if capturable:
        raise AssertionError(f"{name}: If capturable=True, params and state_steps must be on supported devices: "
                             f"['cuda', 'xpu', 'hpu', 'privateuseone'] (the engine has the CPU only)")


class Optimizer:
    def __init__(self, params, defaults):
        if isinstance(params, Tensor):
            raise TypeError("optimizer params should be an iterable of Tensors or dicts, got a single Tensor; "
                            "pass [tensor] or model.parameters()")
        self.defaults = defaults
        self.state = {}  # parameter -> its buffers (momentum, Adam moments, ...)
        self.param_groups = []
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        group = dict(group)
        params = group["params"]
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for parameter in group["params"]:
            if not isinstance(parameter, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, got {type(parameter).__name__}")
        seen = {id(p) for existing in self.param_groups for p in existing["params"]}
        for parameter in group["params"]:
            if id(parameter) in seen:  # it would be updated twice per step, and state_dict could not number it
                raise ValueError(f"a parameter of shape {tuple(parameter.shape)} appears more than once "
                                 f"in the optimizer's parameter groups")
            seen.add(id(parameter))
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self.param_groups.append(group)

    def __repr__(self):
        """PyTorch's form: the class name, then each group's hyperparameters in sorted order."""
        text = f"{type(self).__name__} ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"

    def _gradients(self, group, add_weight_decay=True):
        """(parameter, weights, grad) for each parameter of `group` that has a .grad: what every step() starts with.

        weights is the parameter's array, which the step updates in place; grad is its gradient, negated under
        maximize=True (to ascend), plus weight_decay * weights when add_weight_decay (the L2 penalty's gradient,
        added as PyTorch adds it). The parameter's .grad itself is never changed. Once the step is done with a
        parameter (the loop comes back here), its version is bumped: a backward still pending on the old weights
        will then refuse to run.
        """
        weight_decay = float(group.get("weight_decay", 0)) if add_weight_decay else 0.0
        for parameter in group["params"]:
            if parameter.grad is None:
                continue
            weights, grad = parameter.array, parameter.grad.array
            if group["maximize"]:
                grad = -grad
            if weight_decay != 0:
                grad = grad + weight_decay * weights
            yield parameter, weights, grad
            parameter._bump_version()

    def zero_grad(self, set_to_none=True):
        """Clear the gradients that backward() accumulated (PyTorch's default: set them to None)."""
        for group in self.param_groups:
            for parameter in group["params"]:
                if set_to_none:
                    parameter.grad = None
                elif parameter.grad is not None:
                    parameter.grad.zero_()

    # ---- saving and resuming ----
    def _numbered_params(self):
        """(index, parameter) in PyTorch's numbering: group by group, in order, starting at 0."""
        return list(enumerate(p for group in self.param_groups for p in group["params"]))

    def state_dict(self):
        """The optimizer's hyperparameters and buffers, with copies of the arrays (see the module docstring)."""
        param_groups, start = [], 0
        for group in self.param_groups:
            packed = {name: value for name, value in group.items() if name != "params"}
            packed["params"] = list(range(start, start + len(group["params"])))
            start += len(group["params"])
            param_groups.append(packed)
        state = {index: {name: value.copy() if isinstance(value, np.ndarray) else value
                         for name, value in self.state[parameter].items()}
                 for index, parameter in self._numbered_params() if self.state.get(parameter)}
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict):
        """Take the hyperparameters and buffers saved by state_dict(), for the same parameters in the same order.

        Saved arrays are copied and cast to their parameter's dtype (as PyTorch does). State keys may be
        ints or their strings (JSON turns {0: ...} into {"0": ...}), and tuples may come back as lists.
        Nothing changes if anything is wrong; the error says what.
        """
        name = type(self).__name__
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            keys = sorted(state_dict) if isinstance(state_dict, dict) else type(state_dict).__name__
            raise ValueError(f"{name}.load_state_dict: expected a dict with keys 'state' and 'param_groups', "
                             f"got {keys}")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the saved state has {len(saved_groups)} parameter groups "
                             f"but this optimizer has {len(self.param_groups)}")
        index_to_param, groups = {}, []
        for g, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            saved_params = saved.get("params", [])
            if len(saved_params) != len(group["params"]):
                raise ValueError(f"{name}.load_state_dict: parameter group {g} has {len(saved_params)} parameters "
                                 f"in the saved state but {len(group['params'])} in this optimizer")
            # PyTorch's implementation flags may be absent (older checkpoints): they take this optimizer's defaults
            saved = {**{key: self.defaults[key] for key in FLAGS if key in self.defaults}, **saved}
            missing = [key for key in self.defaults if key not in saved]
            if missing:
                raise ValueError(f"{name}.load_state_dict: saved parameter group {g} lacks {missing} "
                                 f"(was it saved by a different optimizer? it has {sorted(saved)})")
            index_to_param.update(zip((int(i) for i in saved_params), group["params"]))
            hyper = {key: self._restore_hyperparameter(key, value) for key, value in saved.items() if key != "params"}
            groups.append({**hyper, "params": group["params"]})
        state = {}
        for index, saved in state_dict["state"].items():
            parameter = index_to_param.get(int(index))
            if parameter is None:
                raise ValueError(f"{name}.load_state_dict: the saved state has an entry for parameter {index}, "
                                 f"but the parameter groups number only {len(index_to_param)} parameters")
            state[parameter] = {key: self._restore_state_value(index, key, value, parameter)
                                for key, value in saved.items()}
        self.state = state
        self.param_groups = groups

    def _restore_hyperparameter(self, key, value):
        if isinstance(value, np.generic):  # a number that went through NumPy: back to Python
            value = value.item()
        if isinstance(self.defaults.get(key), tuple) and isinstance(value, list):  # betas after JSON
            value = tuple(value)
        return value

    def _restore_state_value(self, index, key, value, parameter):
        if isinstance(value, np.generic):  # a number (Adam's step) that went through NumPy: back to Python
            return value.item()
        if not isinstance(value, np.ndarray):
            return value
        if value.shape != parameter.shape:
            raise ValueError(f"{type(self).__name__}.load_state_dict: saved {key!r} for parameter {index} has "
                             f"shape {value.shape} but the parameter has shape {tuple(parameter.shape)}")
        if np.issubdtype(value.dtype, np.floating):
            return value.astype(parameter.array.dtype)  # always a copy
        return value.copy()
