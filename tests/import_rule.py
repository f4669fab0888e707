"""The import rule, applied mechanically: a PyTorch program runs on the engine once only its import lines change.

    torch -> minitorch_mnist,  torchvision -> minitorch_mnist.vision,  torchsummary -> minitorch_mnist.summary

`import torch` becomes `import minitorch_mnist as torch` (so the name `torch` still works in the code);
`from torch.utils.data import X` becomes `from minitorch_mnist.utils.data import X`, and so on.
"""

import re

RENAMES = [("torchvision", "minitorch_mnist.vision"), ("torchsummary", "minitorch_mnist.summary"),
           ("torch", "minitorch_mnist")]
IMPORT_LINE = re.compile(r"^(\s*)(import|from)\s+([\w.]+)(.*)$")


def engine_module(name):
    """The engine's module for a PyTorch module name (None when the rule leaves it alone)."""
    for theirs, ours in RENAMES:
        if name == theirs or name.startswith(theirs + "."):
            return ours + name[len(theirs):]
    return None


def rewrite_line(line):
    match = IMPORT_LINE.match(line)
    if not match:
        return line
    indent, keyword, module, rest = match.groups()
    ours = engine_module(module)
    if ours is None:
        return line
    if keyword == "import" and "." not in module and not rest.strip():
        return f"{indent}import {ours} as {module}{rest}"  # keep the name the code uses: torch, torchvision
    return f"{indent}{keyword} {ours}{rest}"


def to_engine(source):
    """`source` with its import lines rewritten by the rule; every other line is left exactly as it was."""
    return "\n".join(rewrite_line(line) for line in source.split("\n"))
