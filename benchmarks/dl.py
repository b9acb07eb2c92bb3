"""Deep-learning operators against plain PyTorch doing the same steps on the same tensors.

For resnet18 (classification, 224×224×3, batch 16) and the segmentation compact model
(256×256×3, batch 8):
(a) training: train_dl_model_batch called from an hdl program vs a plain PyTorch loop
    (zero_grad, forward, cross-entropy, backward, optimiser step, loss.item()) on a copy
    of the same network with the same optimiser settings;
(b) inference: apply_dl_model from an hdl program vs plain PyTorch (inference_mode,
    forward, softmax, sort / max, copy to the host).
Runs alternate (hdl, plain, hdl, plain …) and the median per-step time counts, so a
machine shared with other work affects both sides alike.  Ratio = plain time / hdl time
(1.0 = no overhead); goal ≥ 0.95.  The device is the model's default: the first CUDA
GPU when there is one, else the CPU.

Run: .venv/bin/python benchmarks/dl.py [--quick]   (figures go to benchmarks/results/)
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine import machine_description, write_results  # noqa: E402

from hdl import iconic as ic  # noqa: E402
from hdl import values as v  # noqa: E402
from hdl.loader import load_bytes  # noqa: E402
from hdl.registry import REGISTRY  # noqa: E402
from hdl.program import Program  # noqa: E402

TRAIN = """\
count_seconds (T0)
for Step := 1 to N by 1
    train_dl_model_batch (Model, Samples, TrainResult)
endfor
count_seconds (T1)
Seconds := T1 - T0
"""

APPLY = """\
count_seconds (T0)
for Step := 1 to N by 1
    apply_dl_model (Model, Samples, [], Results)
endfor
count_seconds (T1)
Seconds := T1 - T0
"""


def op(name, *args):
    return REGISTRY.get(name).function(*args)


def make_case(kind: str):
    import torch
    rng = np.random.default_rng(0)
    op("set_system", "seed_rand", 1)
    if kind == "resnet18":
        h = op("read_dl_model", "pretrained_dl_classifier_resnet18.hdl")
        op("set_dl_model_param", h, "class_names", [f"c{i}" for i in range(10)])
        size, batch = 224, 16
    else:
        h = op("read_dl_model", "pretrained_dl_segmentation_compact.hdl")
        op("set_dl_model_param", h, "class_ids", [0, 1, 2])
        size, batch = 256, 8
    op("set_dl_model_param", h, "batch_size", batch)
    op("set_dl_model_param", h, "learning_rate", 0.001)
    samples, xs, ys = [], [], []
    for i in range(batch):
        x = rng.uniform(-127, 128, (3, size, size)).astype(np.float32)
        d = {"image": ic.new_image([x[c] for c in range(3)], "real")}
        if kind == "resnet18":
            d["image_label_id"] = i % 10
            ys.append(i % 10)
        else:
            lab = rng.integers(0, 3, (size, size)).astype(np.float32)
            d["segmentation_image"] = ic.new_image([lab], "real")
            ys.append(lab)
        samples.append(v.DictHandle(d))
        xs.append(x)
    model = h.model
    device = model.device
    x = torch.from_numpy(np.stack(xs)).to(device)
    y = torch.as_tensor(np.array(ys), dtype=torch.long).to(device)
    net = copy.deepcopy(model.net).to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9, weight_decay=0.0)
    seg = kind != "resnet18"

    def plain_train():
        net.train()
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    def plain_apply():
        net.eval()
        with torch.inference_mode():
            probs = torch.softmax(net(x), dim=1)
            conf, order = probs.max(dim=1) if seg else torch.sort(probs, dim=1, descending=True)
            return conf.cpu().numpy(), order.cpu().numpy()

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    return h, samples, batch, plain_train, plain_apply, sync, str(device)


def compare(program_text, h, samples, plain, sync, steps, reps):
    loaded = load_bytes(program_text, "bench_dl.hds", use_cache=False)
    variables = {"Model": h, "Samples": samples, "N": steps}
    Program(loaded).run(dict(variables, N=1))  # warm-up
    plain()
    sync()
    hdl_times, plain_times = [], []
    for _ in range(reps):
        out = Program(loaded).run(dict(variables))
        sync()
        hdl_times.append(out["Seconds"] / steps)
        sync()
        start = time.perf_counter()
        for _ in range(steps):
            plain()
        sync()
        plain_times.append((time.perf_counter() - start) / steps)
    return statistics.median(hdl_times), statistics.median(plain_times)


def main(quick: bool = False):
    import torch
    rows = []
    steps, reps = (1, 2) if quick else (2, 3)
    for kind in ("resnet18", "segmentation_compact"):
        h, samples, batch, plain_train, plain_apply, sync, device = make_case(kind)
        for phase, text, plain in (("train", TRAIN, plain_train), ("apply", APPLY, plain_apply)):
            hdl_s, plain_s = compare(text, h, samples, plain, sync, steps, reps)
            rows.append({"model": kind, "phase": phase, "device": device, "batch": batch,
                         "hdl_images_per_s": round(batch / hdl_s, 2),
                         "plain_images_per_s": round(batch / plain_s, 2),
                         "ratio": round(plain_s / hdl_s, 3), "goal_ratio": 0.95,
                         "steps": steps, "repeats": reps, "torch_threads": torch.get_num_threads()})
            r = rows[-1]
            print(f"{kind:22} {phase:6} {device:7} batch {batch:3}  hdl {r['hdl_images_per_s']:8.2f} img/s"
                  f"  plain {r['plain_images_per_s']:8.2f} img/s  ratio {r['ratio']:.3f}", flush=True)
        op("clear_dl_model", h)
    write_results("dl", rows)


if __name__ == "__main__":
    print(machine_description())
    main(quick="--quick" in sys.argv)
