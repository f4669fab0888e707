"""The README's Python example runs as printed."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_examples_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README shows at least one Python example"
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})
    assert "torch.Size([512, 784])" in capsys.readouterr().out  # shapes print as PyTorch prints them
