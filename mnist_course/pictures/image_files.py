"""Opening a learner's picture file safely: course code that lesson 07's `read_image` calls.

A picture from a phone or a drawing app can be a sideways JPEG, a 16-bit or float PNG or
TIFF, a transparent canvas, or a 12000x12000 panorama; a file named `digit.png` can also
be something else entirely. `open_picture` deals with all of that and hands the lesson a
plain greyscale array and its transparency, so the learner's part stays the interesting
one: what to put behind a transparent canvas.

Only the formats a phone or a drawing app saves are decoded (`PICTURE_FORMATS`): Pillow
is never asked to guess among its forty decoders, so a PostScript file renamed `.png`
is refused in one line instead of being handed to Ghostscript.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 2000  # bigger pictures are shrunk while decoding: a digit needs far fewer pixels
MIN_SIDE = 8  # smaller than this holds no digit

Image.init()  # register every decoder Pillow has here (plugins such as pillow-heif included)
# What phones and drawing apps save. MPO is how many phones store a JPEG with a depth map.
PICTURE_FORMATS = [
    name
    for name in ("PNG", "JPEG", "MPO", "WEBP", "BMP", "GIF", "TIFF", "HEIF", "AVIF")
    if name in Image.OPEN
]


def open_picture(path) -> tuple[np.ndarray, np.ndarray]:
    """Read a picture file as greyscale and transparency, upright and at most 2000 px a side.

    Returns:
        `(grey, alpha)`: two float32 arrays of shape (height, width). `grey` is the
        luminance, 0 (black) .. 255 (white), whatever the file's bit depth (16-bit and
        float pictures are scaled to it); `alpha` is the opacity, 0 (transparent) .. 1
        (opaque), all ones for a picture without transparency. Transparent pixels keep
        whatever colour the file stores under them (often black).

    Raises:
        FileNotFoundError: no such file (the message names it).
        ValueError: one line naming the file: a folder, an empty file, a format that is
            not a picture format (see `PICTURE_FORMATS`), a broken or truncated file, or a
            picture too small or too thin to hold a digit (with its true size).
    """
    path = Path(path)
    if not path.exists():
        if path.is_symlink():  # a link to nothing, or a loop of links
            raise FileNotFoundError(f"{path}: a link that leads to no file")
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not an image file")
    if not path.is_file():
        raise ValueError(f"{path} is not a regular file (a device, a pipe or a socket), "
                         "not an image")
    if path.stat().st_size == 0:
        raise ValueError(f"{path} is empty (0 bytes), not an image")
    try:
        with warnings.catch_warnings():
            # Pillow warns about very large pictures; we shrink them straight away.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=PICTURE_FORMATS) as image:
                _refuse_tiny(path, *image.size)
                # JPEG only: decode at 1/2, 1/4 or 1/8 scale, never the full 12000x12000.
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                # Shrink in place before anything copies the picture: a 12000x12000 PNG is
                # 432 MB decoded, and every copy would cost as much again.
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BILINEAR)
                ImageOps.exif_transpose(image, in_place=True)  # phones store photos sideways
                return _grey_and_alpha(image)
    except PictureSizeError:
        raise
    except UnidentifiedImageError:
        if _is_heic(path):
            raise ValueError(f"{path} is a HEIC photo (an iPhone's usual format), which this "
                             "computer cannot read: export it as JPEG (Photos: Share, Options, "
                             "Most Compatible) or save it again as a PNG") from None
        known = ", ".join(PICTURE_FORMATS)
        raise ValueError(f"{path} is not an image in a format phones and drawing apps save ({known})") from None
    except Image.DecompressionBombError:
        raise ValueError(f"{path} has more pixels than a picture is read with (over "
                         f"{2 * Image.MAX_IMAGE_PIXELS:,}): shrink it first; a digit needs no more "
                         f"than {MAX_SIDE} pixels a side") from None
    except (OSError, SyntaxError, ValueError) as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ValueError(f"{path} is not an image that can be read ({reason}): open it and save "
                         "it again, or take the picture again") from None


# The brands an HEIF file names in its header (ISO/IEC 23008-12): HEIC photos, and the generic
# image brands iPhones also write. AVIF ("avif", "avis") is HEIF too, but Pillow reads it.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def _is_heic(path: Path) -> bool:
    """True for an HEIF/HEIC file, told from its header: a `ftyp` box naming an HEIC brand."""
    with open(path, "rb") as file:
        head = file.read(12)
    return head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS


class PictureSizeError(ValueError):
    """A picture too small or too thin to hold a digit (the message gives its true size)."""


def _refuse_tiny(path: Path, width: int, height: int) -> None:
    """Too small, or so thin that shrinking it to 2000 px would leave less than 8."""
    if min(width, height) < MIN_SIDE:
        raise PictureSizeError(f"{path} is only {width}x{height} pixels: too small to hold a digit")
    if min(width, height) * MAX_SIDE / max(width, height, MAX_SIDE) < MIN_SIDE:
        raise PictureSizeError(f"{path} is {width}x{height} pixels: too long and thin to hold a digit")


def _grey_and_alpha(image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):  # 16-bit, 32-bit or float pixels
        values = np.asarray(image, dtype=np.float64)
        finite = values[np.isfinite(values)]
        top = float(finite.max()) if finite.size else 0.0
        if mode.startswith("I;16") or top > 255:
            full = 65535.0
        elif mode == "F" and top <= 1.0:
            full = 1.0  # a float picture in 0..1, as scientific and HDR tools save them
        else:
            full = 255.0
        # NaN reads as black and infinities as the ends of the scale: nan_to_num's default for
        # +inf, the largest float, would overflow on its way to 0..255 (and NumPy would warn).
        values = np.nan_to_num(values, nan=0.0, posinf=full, neginf=0.0)
        grey = np.clip(values / full * 255.0, 0, 255).astype(np.float32)
        return grey, np.ones_like(grey)
    has_alpha = mode in ("LA", "La", "PA", "RGBA", "RGBa") or (mode == "P" and "transparency" in image.info)
    if not has_alpha:
        grey = np.asarray(image.convert("L"), dtype=np.float32)
        return grey, np.ones_like(grey)
    rgba = image.convert("RGBA")
    alpha = np.asarray(rgba, dtype=np.float32)[..., 3] / 255.0
    return np.asarray(rgba.convert("L"), dtype=np.float32), alpha
