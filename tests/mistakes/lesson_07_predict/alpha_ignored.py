"""Reads every file with convert('L'), so a transparent canvas export comes out all black."""

CAUGHT_BY = "test_read_image_composites_transparency"
HINT = "alpha channel was ignored"


def read_image(path):
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        with Image.open(path) as image:
            return np.array(ImageOps.exif_transpose(image).convert("L"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"{path} is not an image ({error})") from None
