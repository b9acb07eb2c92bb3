"""Parse speed of the front end on a generated 20,000-line HDevelop program.

Run from the repository root:

    .venv/bin/python benchmarks/parse.py [--lines 20000] [--seed 2024] [--save DIR]

Measures, for the same program written as HDevelop XML (.hdev) and in hdl's
text format:

- cold: `hdl.loader.load_bytes(data, path, use_cache=False)` (read the file,
  parse every line, nest blocks), best of 3 runs, the line parser's lexeme
  cache emptied before each run;
- plain Lark: Lark's own LALR parser over the same grammar and tree builder
  (`hdl.parser.reference_parser().parse`) on the file's code lines joined
  with newlines (comments skipped), best of 3: the reference figure;
- warm: the second `load_bytes` with the parse cache on (HDL_CACHE_DIR set to
  a fresh temporary directory), i.e. a cache hit, best of 3.

Lines per second always count every program line of the file (code, comment
and blank lines; a continued line counts once), so `ratio_vs_lark` is how
many times faster the whole cold load is than Lark's parser on the code
alone.  Results go to benchmarks/results/parse-<machine>.json (the latest
run) and parse-<machine>.csv (one row per format and run), as for every
benchmark (benchmarks/machine.py).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from machine import machine_description, write_results  # noqa: E402

from hdl import loader  # noqa: E402
from hdl.formats import write_source  # noqa: E402
from hdl.parser import line_parser, reference_parser  # noqa: E402
from hdl.source import Interface, Line, Param, Procedure, SourceFile  # noqa: E402


# ---- program generator ------------------------------------------------------------

ICONIC = ["Image", "ImageGray", "ImageReduced", "ImageMean", "ImageEmph", "ImagePart", "Region",
          "Regions", "RegionFillUp", "RegionOpening", "ConnectedRegions", "SelectedRegions",
          "Domain", "Mask", "Edges", "Contours", "ContoursSplit", "Rectangle", "Circle", "Defects",
          "ObjectSelected", "Characters", "Cross", "ModelContours", "ImageScaled"]
CONTROL = ["Row", "Column", "Phi", "Length1", "Length2", "Area", "Width", "Height", "MinGray",
           "MaxGray", "MinArea", "MaxArea", "Score", "Scale", "Number", "Mean", "Deviation",
           "Values", "Result", "Classes", "Confidence", "BatchSize", "Epoch", "Loss", "Angle",
           "Offset", "Radius", "Distance", "Threshold", "Indices", "Sum", "Count", "Message",
           "Text", "FileName", "ModelID", "Status", "Ratio", "Min", "Max", "Range", "Params"]
DICTS = ["DLSample", "DLResult", "DLDataset", "DLPreprocessParam", "TrainParam", "GenParam",
         "WindowDict", "Config", "EvaluationResult", "DLModelHandle"]
KEYS = ["image", "image_id", "class_ids", "bbox_row1", "bbox_col1", "bbox_row2", "bbox_col2",
        "image_width", "image_height", "batch_size", "learning_rate", "num_epochs", "samples",
        "class_names", "anomaly_score", "segmentation_image", "mean_iou", "split", "path", "display"]
VECTORS = ["ImageVec", "RegionVec", "ScoreVec", "BatchVec", "RowVec"]
WORDS = ["area", "width", "height", "circularity", "rectangularity", "row", "column", "ra", "rb",
         "phi", "compactness", "contlength", "convexity", "inner_radius", "max_diameter"]
COMMENT_WORDS = ["Read", "the", "image", "segment", "regions", "select", "by", "area", "fit",
                 "lines", "to", "edges", "compute", "statistics", "display", "results", "train",
                 "model", "evaluate", "dataset", "preprocess", "samples", "normalize", "gray",
                 "values", "check", "threshold", "for", "each", "defect", "measure", "width",
                 "of", "pads", "TODO:", "tune", "parameters", "(", ")", "batch", "inference"]
COLORS = ["red", "green", "blue", "yellow", "magenta", "cyan", "white", "orange", "forest green"]
FUNCTIONS1 = ["abs", "sqrt", "sum", "mean", "max", "min", "deviation", "median", "int", "real",
              "round", "sort", "uniq", "inverse", "number", "strlen", "cumul"]
FUNCTIONS2 = ["max2", "min2", "find", "remove", "select_mask", "gen_tuple_const", "regexp_match",
              "atan2", "pow", "subset", "split"]

# name -> argument kinds: io/oo iconic in/out, ic control in, oc control out,
# or a tuple (ic, choices) for a string parameter.
OPERATORS = {
    "read_image": ["oo", ("ic", ["'printer_chip/printer_chip_01'", "ImageFiles[I]", "FileName",
                                 "'fabrik'", "Path + '/' + Name"])],
    "rgb1_to_gray": ["io", "oo"],
    "get_image_size": ["io", "oc", "oc"],
    "threshold": ["io", "oo", "ic", "ic"],
    "binary_threshold": ["io", "oo", ("ic", ["'max_separability'", "'smooth_histo'"]),
                         ("ic", ["'dark'", "'light'"]), "oc"],
    "connection": ["io", "oo"],
    "select_shape": ["io", "oo", ("ic", ["'" + w + "'" for w in WORDS] + ["['area', 'width']"]),
                     ("ic", ["'and'", "'or'"]), "ic", "ic"],
    "area_center": ["io", "oc", "oc", "oc"],
    "smallest_rectangle2": ["io", "oc", "oc", "oc", "oc", "oc"],
    "gen_rectangle1": ["oo", "ic", "ic", "ic", "ic"],
    "gen_rectangle2": ["oo", "ic", "ic", "ic", "ic", "ic"],
    "gen_circle": ["oo", "ic", "ic", "ic"],
    "reduce_domain": ["io", "io", "oo"],
    "mean_image": ["io", "oo", "ic", "ic"],
    "gauss_filter": ["io", "oo", ("ic", ["3", "5", "7", "9", "11"])],
    "dyn_threshold": ["io", "io", "oo", "ic", ("ic", ["'light'", "'dark'", "'equal'", "'not_equal'"])],
    "opening_circle": ["io", "oo", "ic"],
    "closing_rectangle1": ["io", "oo", "ic", "ic"],
    "fill_up": ["io", "oo"],
    "union1": ["io", "oo"],
    "intersection": ["io", "io", "oo"],
    "difference": ["io", "io", "oo"],
    "shape_trans": ["io", "oo", ("ic", ["'convex'", "'rectangle1'", "'outer_circle'", "'ellipse'"])],
    "edges_sub_pix": ["io", "oo", ("ic", ["'canny'", "'lanser2'", "'sobel_fast'"]), "ic", "ic", "ic"],
    "segment_contours_xld": ["io", "oo", ("ic", ["'lines_circles'", "'lines'"]), "ic", "ic", "ic"],
    "fit_line_contour_xld": ["io", ("ic", ["'tukey'", "'huber'", "'regression'"]), "ic", "ic", "ic",
                             "ic", "oc", "oc", "oc", "oc", "oc", "oc", "oc"],
    "count_obj": ["io", "oc"],
    "select_obj": ["io", "oo", "ic"],
    "concat_obj": ["io", "io", "oo"],
    "gen_empty_obj": ["oo"],
    "scale_image": ["io", "oo", "ic", "ic"],
    "convert_image_type": ["io", "oo", ("ic", ["'byte'", "'real'", "'uint2'"])],
    "zoom_image_size": ["io", "oo", "ic", "ic", ("ic", ["'constant'", "'bilinear'"])],
    "min_max_gray": ["io", "io", "ic", "oc", "oc", "oc"],
    "intensity": ["io", "io", "oc", "oc"],
    "find_shape_model": ["io", "ic", "ic", "ic", "ic", "ic", "ic", "ic", "ic", "oc", "oc", "oc", "oc"],
    "create_dict": ["oc"],
    "get_dict_tuple": ["dict", "key", "oc"],
    "set_dict_tuple": ["dict", "key", "ic"],
    "get_dict_object": ["oo", "dict", "key"],
    "set_dict_object": ["io", "dict", "key"],
    "apply_dl_model": ["ic", "ic", ("ic", ["[]", "['segmentation_image']"]), "oc"],
    "read_dl_model": [("ic", ["'pretrained_dl_classifier_compact.hdl'", "ModelFile"]), "oc"],
    "set_dl_model_param": ["ic", ("ic", ["'batch_size'", "'runtime'", "'gpu'", "'learning_rate'"]),
                           "ic"],
    "gen_dl_samples_from_images": ["io", "oc"],
    "preprocess_dl_samples": ["ic", "ic"],
    "tuple_length": ["ic", "oc"],
    "tuple_find": ["ic", "ic", "oc"],
    "tuple_sort_index": ["ic", "oc"],
    "tuple_gen_sequence": ["ic", "ic", "ic", "oc"],
    "hom_mat2d_identity": ["oc"],
    "hom_mat2d_rotate": ["ic", "ic", "ic", "ic", "oc"],
    "affine_trans_region": ["io", "oo", "ic", ("ic", ["'nearest_neighbor'", "'constant'"])],
    "dev_display": ["io"],
    "dev_set_color": [("ic", ["'" + c + "'" for c in COLORS])],
    "dev_set_line_width": [("ic", ["1", "2", "3"])],
    "dev_set_draw": [("ic", ["'margin'", "'fill'"])],
    "disp_message": ["ic", "ic", ("ic", ["'window'", "'image'"]), "ic", "ic",
                     ("ic", ["'black'", "'green'", "'red'"]), ("ic", ["'true'", "'false'"])],
    "write_image": ["io", ("ic", ["'png'", "'tiff'", "'bmp'"]), "ic", "ic"],
    "count_seconds": ["oc"],
    "wait_seconds": [("ic", ["0.1", "0.5", "1", ".25"])],
}
OPERATOR_NAMES = sorted(OPERATORS)


class ProgramGenerator:
    """Deterministic, plausible machine-vision code with balanced blocks."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.lines: list[Line] = []
        self.depth = 0
        self.loop_vars = 0
        self.procedures: list[tuple[str, Interface]] = []

    # names and small expressions

    def pick(self, items):
        return self.rng.choice(items)

    def suffixed(self, base: str) -> str:
        r = self.rng.random()
        if r < 0.5:
            return base
        if r < 0.85:
            return base + str(self.rng.randint(1, 12))
        return base + self.pick(["Sel", "All", "Tmp", "Model", "Ref", "Out", "Trans"])

    def iconic(self) -> str:
        return self.suffixed(self.pick(ICONIC))

    def control(self) -> str:
        return self.suffixed(self.pick(CONTROL))

    def dict_var(self) -> str:
        return self.suffixed(self.pick(DICTS))

    def number(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            return str(self.rng.randint(0, 255))
        if r < 0.75:
            return f"{self.rng.uniform(0, 100):.{self.rng.randint(1, 3)}f}"
        if r < 0.85:
            return str(self.rng.choice([1000, 5000, 99999, 1e-3, 0.5, 2.5e4]))
        if r < 0.92:
            return f"0x{self.rng.randint(1, 0xFFFF):X}"
        return f"-{self.rng.randint(1, 50)}"

    def string(self) -> str:
        r = self.rng.random()
        if r < 0.5:
            return f"'{self.pick(WORDS)}'"
        if r < 0.7:
            return f"'{self.pick(COMMENT_WORDS)} {self.pick(COMMENT_WORDS)}: '"
        if r < 0.85:
            return f"'{self.pick(KEYS)}'"
        return self.pick(["'\\\\.png$'", "'It\\'s done'", "'C:/data/images'", "'%d items'",
                          "'line 1\\nline 2'", "'[0-9]+'"])

    def index(self) -> str:
        return self.pick(["I", "J", "Index", "K", "0", "1", f"{self.pick(['I', 'J'])} + 1",
                          f"|{self.control()}| - 1"])

    def operand(self, depth: int = 0) -> str:
        r = self.rng.random()
        if r < 0.35:
            return self.control()
        if r < 0.55:
            return self.number()
        if r < 0.62:
            return self.string()
        if r < 0.7:
            return f"{self.control()}[{self.index()}]"
        if r < 0.76:
            return f"{self.dict_var()}.{self.pick(KEYS)}"
        if r < 0.81:
            return f"|{self.control()}|"
        if r < 0.88 and depth < 2:
            return f"{self.pick(FUNCTIONS1)}({self.expr(depth + 1)})"
        if r < 0.93 and depth < 2:
            return f"{self.pick(FUNCTIONS2)}({self.expr(depth + 1)}, {self.operand(depth + 1)})"
        if depth < 2:
            return f"({self.expr(depth + 1)})"
        return self.control()

    def expr(self, depth: int = 0) -> str:
        r = self.rng.random()
        if r < 0.4 or depth >= 2:
            return self.operand(depth)
        if r < 0.75:
            op = self.pick(["+", "-", "*", "/", "+", "*"])
            return f"{self.operand(depth)} {op} {self.operand(depth)}"
        if r < 0.85:
            items = ", ".join(self.operand(depth + 1) for _ in range(self.rng.randint(1, 4)))
            return f"[{items}]"
        if r < 0.92:
            return f"{self.operand(depth)} {self.pick(['+', '-', '*'])} " \
                   f"{self.operand(depth)} / {self.operand(depth)}"
        return f"{self.operand(depth)} $ '{self.pick(['.2f', '.3f', 'd', '3d', '-10s'])}'"

    def condition(self) -> str:
        r = self.rng.random()
        cmp = self.pick(["<", ">", "<=", ">=", "==", "!=", "#", "="])
        simple = f"{self.operand()} {cmp} {self.operand()}"
        if r < 0.55:
            return simple
        if r < 0.75:
            return f"{simple} {self.pick(['and', 'or'])} {self.control()} " \
                   f"{self.pick(['<', '>', '=='])} {self.number()}"
        if r < 0.85:
            return f"|{self.control()}| > 0"
        if r < 0.92:
            return f"not {self.control()}"
        return f"{self.control()} band {self.number()} != 0 or {self.string()} == {self.control()}"

    # lines

    def emit(self, kind: str, text: str) -> None:
        indent = "    " * self.depth if kind == "code" or text else ""
        self.lines.append(Line(kind, indent + text if text else text))

    def comment(self) -> None:
        words = " ".join(self.pick(COMMENT_WORDS) for _ in range(self.rng.randint(2, 9)))
        self.emit("comment", "* " + words[0].upper() + words[1:])

    def call(self) -> None:
        name = self.pick(OPERATOR_NAMES)
        if self.procedures and self.rng.random() < 0.15:
            proc, interface = self.pick(self.procedures)
            kinds = (["io"] * len(interface.iconic_in) + ["oo"] * len(interface.iconic_out)
                     + ["ic"] * len(interface.control_in) + ["oc"] * len(interface.control_out))
            name = proc
        else:
            kinds = OPERATORS[name]
        args = []
        dict_var = self.dict_var()
        for kind in kinds:
            if isinstance(kind, tuple):
                args.append(self.pick(kind[1]))
            elif kind in ("io", "oo"):
                args.append(self.iconic())
            elif kind == "ic":
                args.append(self.expr(1) if self.rng.random() < 0.6 else self.operand(1))
            elif kind == "oc":
                args.append("_" if self.rng.random() < 0.08 else self.control())
            elif kind == "dict":
                args.append(dict_var)
            else:
                args.append(f"'{self.pick(KEYS)}'")
        text = f"{name} ({', '.join(args)})"
        if len(args) >= 5 and self.rng.random() < 0.12:  # a continued line
            cut = self.rng.randint(2, len(args) - 1)
            pad = " " * (len(name) + 2 + 4 * self.depth)
            text = (f"{name} ({', '.join(args[:cut])}, \\\n{pad}{', '.join(args[cut:])})")
        if self.rng.random() < 0.04:
            text += f" // {self.pick(COMMENT_WORDS)} {self.pick(COMMENT_WORDS)}"
        self.emit("code", text)

    def assignment(self) -> None:
        c, c2 = self.control(), self.control()
        d = self.dict_var()
        templates = [
            lambda: f"{c} := {self.expr()}",
            lambda: f"{c} := {self.expr()}",
            lambda: f"{c} := [{c2}, {self.operand()}]",
            lambda: f"{c} := {c2}[{self.index()}:|{c2}| - 1]",
            lambda: f"{c} := |{c2}|",
            lambda: f"{c} := {self.string()} + {c2}$'.{self.rng.randint(1, 3)}f' + ' px'",
            lambda: f"{c} := {d}.{self.pick(KEYS)}",
            lambda: f"{d}.{self.pick(KEYS)} := {self.expr()}",
            lambda: f"{c} := {d}.['{self.pick(KEYS)}']",
            lambda: f"{c} := sum({c2}) / max([1, |{c2}|])",
            lambda: f"{c} := sqrt({c2} * {c2} + {self.control()} * {self.control()})",
            lambda: f"{c} := {c2} [>] {self.number()}",
            lambda: f"{c} := find({c2}, {self.operand()})",
            lambda: f"{c} := regexp_replace({c2}, '^(.*)_(\\\\d+)$', '$1')",
            lambda: f"{self.pick(VECTORS)} := {{{self.iconic()}, {self.iconic()}}}",
            lambda: f"{c} := dict{{{self.pick(KEYS)}: {self.operand()}, "
                    f"{self.pick(KEYS)}: {self.string()}}}",
            lambda: f"{c} := {self.condition()}",
            lambda: f"{c} := {self.pick(VECTORS)}.at({self.index()})",
            lambda: f"{self.pick(VECTORS)}.at({self.index()}) := {self.operand()}",
            lambda: f"{c} := [0:{self.rng.randint(1, 10)}:{c2}]",
            lambda: f"{c}[{self.index()}] := {self.expr()}",
            lambda: f"{c} := {self.operand()} band 0xFF",
            lambda: f"{d}.{self.pick(KEYS)}[{self.index()}] := {self.operand()}",
        ]
        self.emit("code", self.pick(templates)())

    def statement(self, budget: int) -> None:
        r = self.rng.random()
        if r < 0.15:
            self.comment()
        elif r < 0.20:
            self.emit("comment", "")
        elif r < 0.52:
            self.call()
        elif r < 0.78 or self.depth >= 4 or budget < 6:
            self.assignment()
        else:
            self.block(budget)

    def body(self, budget: int) -> None:
        """About `budget` lines (a block opened near the end may add a few)."""
        start = len(self.lines)
        while len(self.lines) - start < budget:
            self.statement(budget - (len(self.lines) - start))

    def block(self, budget: int) -> None:
        inner = max(2, min(budget - 2, self.rng.randint(2, 14)))
        kind = self.rng.random()
        if kind < 0.35:
            self.emit("code", f"if ({self.condition()})")
            self.nested(inner)
            for _ in range(self.rng.choice([0, 0, 0, 1, 2])):
                self.emit("code", f"elseif ({self.condition()})")
                self.nested(max(1, inner // 2))
            if self.rng.random() < 0.4:
                self.emit("code", "else")
                self.nested(max(1, inner // 2))
            self.emit("code", "endif")
        elif kind < 0.6:
            var = self.pick(["I", "J", "K", "Index", "Idx"]) + (str(self.loop_vars % 3) if self.rng.random() < 0.3 else "")
            self.loop_vars += 1
            if self.rng.random() < 0.6:
                head = f"for {var} := 0 to |{self.control()}| - 1 by 1"
            else:
                head = f"for {var} := {self.rng.randint(1, 5)} to {self.operand()} by {self.pick(['1', '2', '-1'])}"
            self.emit("code", head)
            self.nested(inner)
            self.emit("code", "endfor")
        elif kind < 0.7:
            self.emit("code", f"while ({self.condition()})")
            self.nested(inner)
            self.emit("code", "endwhile")
        elif kind < 0.8:
            self.emit("code", f"switch ({self.control()})")
            for value in self.rng.sample(range(0, 9), self.rng.randint(1, 3)):
                self.emit("code", f"case {value}:")
                self.depth += 1
                self.body(max(1, inner // 3))
                self.emit("code", "break")
                self.depth -= 1
            if self.rng.random() < 0.6:
                self.emit("code", "default:")
                self.nested(1)
            self.emit("code", "endswitch")
        elif kind < 0.9:
            self.emit("code", "try")
            self.nested(inner)
            self.emit("code", f"catch ({self.pick(['Exception', 'Error', 'Ex'])})")
            self.nested(self.rng.randint(1, 2))
            self.emit("code", "endtry")
        else:
            self.emit("code", "repeat")
            self.nested(inner)
            self.emit("code", f"until ({self.condition()})")

    def nested(self, budget: int) -> None:
        self.depth += 1
        self.body(budget)
        self.depth -= 1

    # procedures

    def interface(self) -> Interface:
        used: set[str] = set()

        def params(names, count, vector_chance):
            out = []
            for _ in range(count):
                name = self.suffixed(self.pick(names))
                if name in used:
                    continue
                used.add(name)
                out.append(Param(name, 1 if self.rng.random() < vector_chance else 0))
            return out

        return Interface(params(ICONIC, self.rng.randint(0, 2), 0.05),
                         params(ICONIC, self.rng.randint(0, 2), 0.0),
                         params(CONTROL + DICTS, self.rng.randint(0, 5), 0.1),
                         params(CONTROL, self.rng.randint(0, 3), 0.05))

    def procedure(self, name: str, interface: Interface, budget: int) -> Procedure:
        self.lines, self.depth = [], 0
        self.comment()
        self.body(budget - 2)
        if name != "main":
            self.emit("code", "return ()")
        return Procedure(name, interface, self.lines)


def generate_program(total_lines: int, seed: int) -> SourceFile:
    gen = ProgramGenerator(seed)
    procedures = []
    main_share = int(total_lines * 0.4)
    remaining = total_lines - main_share
    verbs = ["inspect", "segment", "measure", "train", "evaluate", "preprocess", "display",
             "find", "classify", "calibrate", "read", "check", "fit", "count", "filter"]
    nouns = ["pads", "edges", "samples", "defects", "model", "batch", "results", "regions",
             "contours", "images", "dataset", "characters", "circles", "labels", "roi"]
    names = set()
    while remaining > 40:
        name = f"{gen.pick(verbs)}_{gen.pick(nouns)}"
        if name in names:
            name += f"_{len(names)}"
        names.add(name)
        budget = min(remaining, gen.rng.randint(60, 700))
        interface = gen.interface()
        procedures.append(gen.procedure(name, interface, budget))
        gen.procedures.append((name, interface))
        remaining -= len(procedures[-1].lines)
    main = gen.procedure("main", Interface(), main_share + remaining - 12)
    total = len(main.lines) + sum(len(p.lines) for p in procedures)
    gen.lines, gen.depth = main.lines, 0
    while total < total_lines:  # top up to the exact size with plain lines
        gen.statement(0)
        total += 1
    source = SourceFile("bench.hdev", attributes={"file_version": "1.2",
                                                  "halcon_version": "23.05.0.0"},
                        procedures=[main] + procedures)
    return source


# ---- measurements -----------------------------------------------------------------

def program_lines(loaded) -> int:
    return sum(len(p.lines) for p in loaded.source.procedures)


def code_text(loaded) -> str:
    """The code lines Lark parses: comment, blank and `*` lines skipped."""
    texts = []
    for proc in loaded.source.procedures:
        for line in proc.lines:
            stripped = line.text.lstrip()
            if line.kind == "code" and stripped and stripped[0] != "*":
                texts.append(line.text)
    return "\n".join(texts)


def best_of(runs: int, action, before=None) -> float:
    best = float("inf")
    for _ in range(runs):
        if before is not None:
            before()
        gc.collect()
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def fresh_parser_state() -> None:
    line_parser().candidates.clear()


def measure(data: bytes, path: str, runs: int) -> dict:
    loaded = loader.load_bytes(data, path, use_cache=False)
    lines = program_lines(loaded)
    cold = best_of(runs, lambda: loader.load_bytes(data, path, use_cache=False), fresh_parser_state)
    saved = os.environ.get("HDL_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="hdl-bench-cache-") as cache:
        os.environ["HDL_CACHE_DIR"] = cache
        try:
            first = loader.load_bytes(data, path, use_cache=True)  # miss: parse and store
            assert program_lines(first) == lines
            warm = best_of(runs, lambda: loader.load_bytes(data, path, use_cache=True))
        finally:
            if saved is None:
                del os.environ["HDL_CACHE_DIR"]
            else:
                os.environ["HDL_CACHE_DIR"] = saved
    return {"loaded": loaded, "lines": lines, "bytes": len(data), "cold_s": cold, "warm_s": warm}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20000, help="program lines to generate")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs")
    parser.add_argument("--save", metavar="DIR", help="also write the generated files here")
    parser.add_argument("--no-record", action="store_true", help="print only, write no results")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    source = generate_program(args.lines, args.seed)
    files = {fmt: write_source(source, fmt).encode("utf-8") for fmt in ("xml", "text")}
    paths = {"xml": "bench.hdev", "text": "bench.txt"}
    if args.save:
        os.makedirs(args.save, exist_ok=True)
        for fmt, data in files.items():
            with open(os.path.join(args.save, paths[fmt]), "wb") as handle:
                handle.write(data)
    reference, _ = reference_parser(), line_parser()  # build both parsers outside the timings

    results = {fmt: measure(files[fmt], paths[fmt], args.runs) for fmt in files}
    xml_bodies, text_bodies = ({name: body.body for name, body in results[f]["loaded"].bodies.items()}
                               for f in ("xml", "text"))
    assert xml_bodies == text_bodies, "the two formats gave different programs"

    code = code_text(results["xml"]["loaded"])
    lark_s = best_of(args.runs, lambda: reference.parse(code))
    assert reference.parse(code) == line_parser().parse(code)

    machine = machine_description()
    rows = []
    for fmt in ("xml", "text"):
        r = results[fmt]
        lines = r["lines"]
        cold_lps = lines / r["cold_s"]
        lark_lps = lines / lark_s
        rows.append({
            "format": fmt, "lines": lines,
            "cold_lines_per_s": round(cold_lps), "lark_reference_lines_per_s": round(lark_lps),
            "ratio_vs_lark": round(cold_lps / lark_lps, 2), "warm_ms": round(r["warm_s"] * 1000, 2),
            # the JSON file only:
            "bytes": r["bytes"], "cold_ms": round(r["cold_s"] * 1000, 1),
            "lark_ms": round(lark_s * 1000, 1), "warm_lines_per_s": round(lines / r["warm_s"]),
        })

    code_lines = code.count("\n") + 1 if code else 0
    print(f"hdl parse benchmark: {rows[0]['lines']} program lines ({code_lines} code lines "
          f"parsed by Lark), seed {args.seed}, best of {args.runs}")
    print(f"machine: {machine}")
    header = f"{'format':<7}{'lines':>8}{'cold ms':>10}{'cold lines/s':>14}{'Lark lines/s':>14}" \
             f"{'vs Lark':>9}{'warm ms':>10}{'warm lines/s':>14}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['format']:<7}{row['lines']:>8}{row['cold_ms']:>10.1f}"
              f"{row['cold_lines_per_s']:>14,}{row['lark_reference_lines_per_s']:>14,}"
              f"{row['ratio_vs_lark']:>8.2f}x{row['warm_ms']:>10.2f}{row['warm_lines_per_s']:>14,}")

    if not args.no_record:
        for row in rows:
            row.update(seed=args.seed, runs=args.runs, code_lines=code_lines,
                       procedures=len(source.procedures))
        path = write_results("parse", rows)
        print(f"wrote {os.path.relpath(path)}")
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
