"""Tools around the engine: gradcheck.py (central-difference gradient checks) and viz.py (pictures of the graph).
torchsummary's table and ONNX export sit at their public paths, minitorch_mnist/summary.py and onnx.py."""
