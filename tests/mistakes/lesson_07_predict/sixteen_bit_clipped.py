"""Converts 16-bit PNGs with convert('L'), which clips every value above 255 to white."""

CAUGHT_BY = "test_read_image_scales_16_bit_pictures"
HINT = "divide by 257"


def read_image(path):
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        with Image.open(path) as image:
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA"):
                background = Image.new("RGBA", image.size, "white")
                image = Image.alpha_composite(background, image.convert("RGBA"))
            return np.array(image.convert("L"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"{path} is not an image ({error})") from None
