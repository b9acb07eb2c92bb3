"""hdl run --display-dir: PNGs of the windows at stop (), window close and the end of the run."""

from click.testing import CliRunner
from PIL import Image as PILImage

from hdl.cli import main

PROGRAM = """\
gen_image_const (Img, 'byte', 40, 30)
gen_circle (C, 15, 20, 8)
paint_region (C, Img, Img2, 255, 'fill')
dev_open_window (0, 0, 80, 60, 'black', W1)
dev_display (Img2)
stop ()
dev_open_window (0, 0, 40, 30, 'white', W2)
dev_set_color ('blue')
dev_display (C)
dev_close_window ()
dump_window (W1, 'png', '{out}/dumped')
"""


def test_display_dir_snapshots(tmp_path):
    prog = tmp_path / "p.hds"
    prog.write_text(PROGRAM.format(out=tmp_path))
    shots = tmp_path / "shots"
    result = CliRunner().invoke(main, ["run", str(prog), "--display-dir", str(shots)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in shots.iterdir())
    assert names == ["window0_001_stop.png", "window0_003_end.png", "window1_002_close.png"]
    first = PILImage.open(shots / "window0_001_stop.png")
    assert first.size == (80, 60)
    assert first.getpixel((40, 30)) == (255, 255, 255)  # the disc's centre, scaled 2x
    assert first.getpixel((2, 2)) == (0, 0, 0)
    closed = PILImage.open(shots / "window1_002_close.png")
    assert closed.getpixel((20, 15)) == (0, 0, 255)
    assert closed.getpixel((1, 1)) == (255, 255, 255)
    assert (tmp_path / "dumped.png").exists()


def test_without_display_dir_nothing_is_written(tmp_path):
    prog = tmp_path / "p.hds"
    prog.write_text(PROGRAM.format(out=tmp_path))
    result = CliRunner().invoke(main, ["run", str(prog)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dumped.png", "p.hds"]
