"""Copy weights between an engine model and its PyTorch twin through their state_dicts (exact both ways)."""

import numpy as np
import torch


def engine_to_torch(engine_model, torch_model):
    """Load the engine model's weights into `torch_model` (in the torch model's dtype and device)."""
    reference = torch_model.state_dict()
    state = {name: torch.from_numpy(np.ascontiguousarray(value)).to(reference[name].dtype)
             for name, value in engine_model.state_dict().items() if name in reference}
    missing = set(reference) - set(state)
    unexpected = set(engine_model.state_dict()) - set(reference)
    if missing or unexpected:
        raise RuntimeError(f"engine_to_torch: parameter names differ: missing in engine {sorted(missing)}, "
                           f"not in torch model {sorted(unexpected)}")
    torch_model.load_state_dict(state)
    return torch_model


def torch_to_engine(torch_model, engine_model):
    """Load `torch_model`'s weights into the engine model (copied into the engine model's arrays)."""
    engine_model.load_state_dict({name: value.detach().cpu().numpy() for name, value in torch_model.state_dict().items()})
    return engine_model
