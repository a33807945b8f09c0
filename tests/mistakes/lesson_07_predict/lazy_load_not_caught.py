"""Opens the file inside try but converts it outside, so a truncated JPEG escapes as OSError."""

CAUGHT_BY = "test_read_image_errors_name_the_file"
HINT = "Pillow reads lazily"


def read_image(path):
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"{path} is not an image ({error})") from None
    return np.array(ImageOps.exif_transpose(image).convert("L"), dtype=np.uint8)
