"""onnxruntime's side of test_onnx: loads an ONNX model on the CPU (one thread) and runs it on raw
little-endian float32 inputs, writing each output beside its input (INPUT.out); prints the model as
onnxruntime reads it (metadata, inputs, outputs) as JSON.
    run_onnxruntime.py MODEL.onnx INPUT.bin:N,C,H,W ..."""
import json
import sys

import numpy as np
import onnxruntime as ort

options = ort.SessionOptions()
options.intra_op_num_threads = 1
session = ort.InferenceSession(sys.argv[1], options, providers=["CPUExecutionProvider"])
meta = session.get_modelmeta()
for argument in sys.argv[2:]:
    path, shape = argument.rsplit(":", 1)
    image = np.fromfile(path, dtype="<f4").reshape([int(n) for n in shape.split(",")])
    (bokeh,) = session.run(["bokeh"], {"image": image})
    bokeh.astype("<f4").tofile(path + ".out")
print(json.dumps({
    "metadata": meta.custom_metadata_map,
    "producer": meta.producer_name,
    "inputs": [{"name": i.name, "shape": i.shape, "type": i.type} for i in session.get_inputs()],
    "outputs": [{"name": o.name, "shape": o.shape, "type": o.type} for o in session.get_outputs()],
}))
