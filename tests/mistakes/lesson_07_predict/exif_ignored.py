"""Ignores the EXIF orientation tag, so a portrait phone photo is read lying on its side."""

CAUGHT_BY = "test_read_image_turns_phone_photos_upright"
HINT = "exif_transpose"


def read_image(path):
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        with Image.open(path) as image:
            return np.array(image.convert("L"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"{path} is not an image ({error})") from None
