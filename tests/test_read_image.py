"""Opening learners' picture files: `mnist_course.pictures.image_files.open_picture` and the reference
`read_image` on top of it (issue 12: only picture formats, float TIFFs, true sizes, light
strokes on a transparent canvas)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import EpsImagePlugin, Image

from mnist_course.course import load_lesson
from mnist_course.pictures.image_files import PICTURE_FORMATS, open_picture

from conftest import ROOT

POSTSCRIPT = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nnewpath 10 10 moveto 90 90 lineto stroke\nshowpage\n"


@pytest.fixture(scope="module")
def read_image():
    return load_lesson(ROOT / "solutions", "07").read_image


def test_phone_and_drawing_app_formats_are_the_only_ones_decoded():
    assert {"PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF"} <= set(PICTURE_FORMATS)
    assert not {"EPS", "PDF", "PSD", "FITS", "MPEG"} & set(PICTURE_FORMATS)


def test_postscript_named_png_is_refused_without_ghostscript(tmp_path, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the EPS decoder must never be reached")

    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", never)
    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", never)
    path = tmp_path / "hang.png"
    path.write_bytes(POSTSCRIPT)
    with pytest.raises(ValueError) as error:
        open_picture(path)
    message = str(error.value)
    assert "hang.png" in message and "\n" not in message and "format" in message


@pytest.mark.skipif("HEIF" in PICTURE_FORMATS, reason="a HEIC decoder (pillow-heif) is installed here")
def test_an_iphone_heic_photo_says_to_export_it_as_jpeg(tmp_path):
    # The first box of an iPhone photo: size, 'ftyp', brand 'heic', then its compatible brands.
    path = tmp_path / "IMG_0042.HEIC"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200))
    with pytest.raises(ValueError) as error:
        open_picture(path)
    message = str(error.value)
    assert "IMG_0042.HEIC is a HEIC photo" in message and "export it as JPEG" in message
    assert "\n" not in message


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp", ".bmp", ".gif", ".tiff"])
def test_each_picture_format_opens(tmp_path, suffix):
    picture = np.full((40, 30), 200, np.uint8)
    picture[10:30, 12:18] = 20
    path = tmp_path / f"digit{suffix}"
    Image.fromarray(picture).save(path, **({"lossless": True} if suffix == ".webp" else {}))
    grey, alpha = open_picture(path)
    assert grey.shape == (40, 30) and alpha.shape == (40, 30)
    assert abs(float(grey[20, 15]) - 20) < 12 and abs(float(grey[2, 2]) - 200) < 12


def test_float_tiff_in_unit_range_reads_as_grey_levels(tmp_path, read_image):
    picture = np.full((40, 30), 0.9, np.float32)
    picture[10:30, 12:18] = 0.1
    path = tmp_path / "scan.tiff"
    Image.fromarray(picture, "F").save(path)
    grey = read_image(path)
    assert grey.dtype == np.uint8 and grey.shape == (40, 30)
    assert abs(int(grey[2, 2]) - 230) <= 1 and abs(int(grey[20, 15]) - 26) <= 1


def test_sixteen_bit_png_is_scaled(tmp_path, read_image):
    picture = np.full((40, 30), 60000, np.uint16)
    picture[10:30, 12:18] = 3000
    path = tmp_path / "sixteen.png"
    Image.fromarray(picture).save(path)
    grey = read_image(path)
    assert abs(int(grey[2, 2]) - 233) <= 1 and abs(int(grey[20, 15]) - 12) <= 1


@pytest.mark.parametrize("size", [(8, 5000), (5000, 8), (6, 40)])
def test_thin_or_tiny_pictures_are_reported_with_their_true_size(tmp_path, size):
    width, height = size
    path = tmp_path / "strip.png"
    Image.new("L", (width, height), 200).save(path)
    with pytest.raises(ValueError) as error:
        open_picture(path)
    assert f"{width}x{height}" in str(error.value) and "strip.png" in str(error.value)


def test_a_big_picture_is_shrunk_to_2000_pixels(tmp_path):
    path = tmp_path / "big.png"
    Image.new("L", (4000, 2400), 255).save(path)
    grey, _ = open_picture(path)
    assert grey.shape == (1200, 2000)


def test_exif_orientation_turns_a_phone_photo_upright(tmp_path):
    image = Image.new("RGB", (120, 80), (230, 230, 230))
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    path = tmp_path / "portrait.jpg"
    image.save(path, exif=exif)
    grey, _ = open_picture(path)
    assert grey.shape == (120, 80)


@pytest.mark.parametrize("ink, backdrop", [((10, 10, 10), 255), ((250, 250, 250), 0)], ids=["dark", "light"])
def test_strokes_on_a_transparent_canvas_stay_visible(tmp_path, read_image, ink, backdrop):
    canvas = np.zeros((60, 50, 4), np.uint8)  # transparent black, as drawing apps store it
    canvas[15:45, 20:28, :3] = ink
    canvas[15:45, 20:28, 3] = 255
    path = tmp_path / "canvas.png"
    Image.fromarray(canvas, "RGBA").save(path)
    grey = read_image(path)
    assert int(grey[2, 2]) == backdrop
    assert abs(int(grey[30, 24]) - ink[0]) <= 1


@pytest.mark.parametrize("case, says", [
    ("missing", "no such file"), ("folder", "is a folder"), ("empty", "is empty (0 bytes)"),
    ("truncated", "open it and save it again"), ("pipe", "is not a regular file"), ("link loop", "a link that leads to no file"),
])
def test_broken_files_give_one_line_naming_the_file(tmp_path, case, says):
    path = tmp_path / "broken.jpg"
    if case == "folder":
        path.mkdir()
    elif case == "pipe":
        os.mkfifo(path)
    elif case == "link loop":
        path.symlink_to(tmp_path / "other.jpg")
        (tmp_path / "other.jpg").symlink_to(path)
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "truncated":
        image = Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 160, 3), dtype=np.uint8))
        image.save(path, quality=90)
        path.write_bytes(path.read_bytes()[:2000])
    expected = FileNotFoundError if case in ("missing", "link loop") else ValueError
    with pytest.raises(expected) as error:
        open_picture(path)
    assert "broken.jpg" in str(error.value) and "\n" not in str(error.value)
    assert says in str(error.value)
