"""The differentiable functions, grouped by kind. Each op's forward and backward sit side by side."""
