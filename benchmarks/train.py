"""train_dl_model (the HDevelop procedure library) against the same training in plain PyTorch.

One preprocessed classification dataset on disk (DLSample .hdict files written by
preprocess_dl_dataset), one model (resnet18 at 128×128×3, 2 classes, batch 8, SGD),
augmentation and evaluation off.  The hdl side runs train_dl_model from an hdl program
(the whole procedure: shuffling, read_dl_samples, train_dl_model_batch, train infos,
progress line, CSV and PNG at the end).  The plain side does per iteration what a
PyTorch user would: read the batch's sample files from disk (hdl's .hdict reader,
the same files), stack the images, zero_grad, forward, cross-entropy, backward, step,
loss.item() — on a copy of the same network with the same optimiser settings.
Runs alternate (hdl, plain, hdl, plain …); the median counts.
Ratio = plain time / hdl time (1.0 = no overhead); goal ≥ 0.95 on the CPU.
Each hdl run pays about 0.3 s once (compiling the procedures, writing the CSV
and the PNG curves at the end), so the run is 6 epochs (36 iterations) long:
shorter runs show that fixed cost (3 epochs: 0.94; 12 iterations at 64×64: 0.88).

Run: .venv/bin/python benchmarks/train.py [--quick] [--cpu]   (figures go to benchmarks/results/)
"""

from __future__ import annotations

import copy
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine import machine_description, write_results  # noqa: E402

from hdl import args  # noqa: E402
from hdl import hdict  # noqa: E402
from hdl.loader import load_bytes  # noqa: E402
from hdl.registry import REGISTRY  # noqa: E402
from hdl.program import Program  # noqa: E402

SIZE, BATCH, PER_CLASS = 128, 8, 24

SETUP = """\
make_dir (Dir + '/raw')
make_dir (Dir + '/raw/dark')
make_dir (Dir + '/raw/bright')
for K := 0 to PerClass - 1 by 1
    gen_image_const (Image, 'byte', Size, Size)
    scale_image (Image, Dark, 1, 20 + K)
    gen_circle (Spot, Size / 2, Size / 2, Size / 4)
    paint_region (Spot, Dark, Dark, 90, 'fill')
    write_image (Dark, 'png', 0, Dir + '/raw/dark/d' + K + '.png')
    scale_image (Dark, Bright, 1, 120)
    write_image (Bright, 'png', 0, Dir + '/raw/bright/b' + K + '.png')
endfor
read_dl_dataset_classification (Dir + '/raw', 'last_folder', DLDataset)
set_system ('seed_rand', 1)
split_dl_dataset (DLDataset, 100, 0, [])
read_dl_model ('pretrained_dl_classifier_resnet18.hdl', Model)
set_dl_model_param (Model, 'class_names', DLDataset.class_names)
set_dl_model_param (Model, 'image_dimensions', [Size, Size, 3])
set_dl_model_param (Model, 'batch_size', Batch)
set_dl_model_param (Model, 'learning_rate', 0.001)
if (Runtime != '')
    set_dl_model_param (Model, 'runtime', Runtime)
endif
create_dl_preprocess_param_from_model (Model, 'none', 'full_domain', [], [], [], PreprocessParam)
preprocess_dl_dataset (DLDataset, Dir + '/dataset', PreprocessParam, [], DatasetFile)
"""

TRAIN = """\
create_dl_train_param (Model, Epochs, 0, 'false', 3, 'serialize', dict{type: 'final', basename: Dir + '/model_final'}, TrainParam)
count_seconds (T0)
train_dl_model (DLDataset, Model, TrainParam, 0, TrainResults, TrainInfos, EvaluationInfos)
count_seconds (T1)
Seconds := T1 - T0
Iterations := |TrainResults|
"""


def main(quick: bool = False, runtime: str = ""):
    import torch
    epochs, reps = (1, 2) if quick else (6, 3)
    work = tempfile.mkdtemp(prefix="hdl_bench_train_")
    try:
        setup = Program(load_bytes(SETUP, "bench_train_setup.hds", use_cache=False)).run(
            {"Dir": work, "Size": SIZE, "Batch": BATCH, "PerClass": PER_CLASS, "Runtime": runtime})
        dataset, model_handle = setup["DLDataset"], setup["Model"]
        model = model_handle.model
        device = model.device
        net = copy.deepcopy(model.net).to(device)
        opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9, weight_decay=0.0)
        get = REGISTRY.get("get_dict_tuple").function
        get_object = REGISTRY.get("get_dict_object").function
        samples = get(dataset, "samples")
        sample_dir = get(dataset, "dlsample_dir")
        files = [os.path.join(sample_dir, get(s, "dlsample_file_name")) for s in samples]
        num = len(files)
        iters_per_epoch = num // BATCH
        rng = random.Random(0)

        def load(path):
            with open(path, "rb") as handle:
                d = hdict.loads(handle.read())
            image = args.image(get_object(d, "image"))
            x = np.stack([np.asarray(c, dtype=np.float32) for c in image.data])
            return x, int(get(d, "image_label_id"))

        def plain_run():
            net.train()
            start = time.perf_counter()
            for _ in range(epochs):
                order = list(range(num))
                rng.shuffle(order)
                for it in range(iters_per_epoch):
                    xs, ys = zip(*(load(files[i]) for i in order[it * BATCH:(it + 1) * BATCH]))
                    x = torch.from_numpy(np.stack(xs)).to(device)
                    y = torch.as_tensor(ys, dtype=torch.long, device=device)
                    opt.zero_grad(set_to_none=True)
                    loss = torch.nn.functional.cross_entropy(net(x), y)
                    loss.backward()
                    opt.step()
                    loss.item()
            return time.perf_counter() - start, epochs * iters_per_epoch

        train = load_bytes(TRAIN, "bench_train.hds", use_cache=False)
        variables = {"Dir": work, "Model": model_handle, "DLDataset": dataset}

        def hdl_run(n_epochs=epochs):
            out = Program(train).run(dict(variables, Epochs=n_epochs))
            return out["Seconds"], out["Iterations"]

        hdl_run(1)  # warm-up (procedure compilation, first optimiser step)
        plain_run()
        hdl_ips, plain_ips = [], []
        for _ in range(reps):
            s, n = hdl_run()
            hdl_ips.append(n * BATCH / s)
            s, n = plain_run()
            plain_ips.append(n * BATCH / s)
        h, p = statistics.median(hdl_ips), statistics.median(plain_ips)
        row = {"model": "resnet18", "image": f"{SIZE}x{SIZE}x3", "device": str(device),
               "batch": BATCH, "train_samples": num, "epochs": epochs, "repeats": reps,
               "hdl_images_per_s": round(h, 2), "plain_images_per_s": round(p, 2),
               "ratio": round(h / p, 3), "goal_ratio": 0.95,
               "torch_threads": torch.get_num_threads()}
        print(f"train_dl_model resnet18 {SIZE}x{SIZE} batch {BATCH} on {device}: "
              f"hdl {h:.2f} img/s  plain {p:.2f} img/s  ratio {h / p:.3f}", flush=True)
        write_results("train", [row])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(machine_description())
    main(quick="--quick" in sys.argv, runtime="cpu" if "--cpu" in sys.argv else "")
