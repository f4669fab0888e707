"""examples/draw_graph.py without Graphviz: it writes the DOT file and says how to render it."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "draw_graph.py"


def test_without_graphviz_the_dot_file_is_written_with_the_command_that_renders_it(tmp_path):
    empty_path = tmp_path / "bin"  # a PATH where no `dot` can be found
    empty_path.mkdir()
    output = tmp_path / "graph.svg"
    result = subprocess.run([sys.executable, str(SCRIPT), str(output)], capture_output=True, text=True,
                            env=dict(os.environ, PATH=str(empty_path)), timeout=120)
    assert result.returncode == 0, result.stderr
    dot_file = tmp_path / "graph.dot"
    assert dot_file.read_text().startswith("digraph autograd {") and "NLLLoss" in dot_file.read_text()
    assert not output.exists()
    assert f"dot -Tsvg {dot_file} -o {output}" in result.stdout
    assert "apt-get install graphviz" in result.stdout
