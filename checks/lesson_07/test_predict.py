"""Checks for lesson 07 · read_image, preprocess_digit, predict_digit, explain_figure.

The pictures are made on the spot by `mnist_course.photos`: digits drawn with OpenCV or
taken from the MNIST *test* set, put on tinted paper under uneven light, blurred, noisy,
saved as JPEG or as a transparent PNG, so every check runs on the kind of picture a
learner takes, and none of them ships anyone's photos.
"""

import cv2
import keras
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from mnist_course.checking import call, describe, expect, expect_raises, type_name
from mnist_course.photos import Conditions, drawn_mask, mnist_mask, photograph, random_conditions


@pytest.fixture(scope="module")
def lesson(learner):
    return learner("07")


def grey_of(rgb):
    """What a correct read_image gives for an RGB array (the checks of preprocess_digit
    must not depend on the learner's read_image)."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def paper_photo(mask, **changes):
    """A plain, well-lit photo of a dark digit on white paper, with `changes` applied."""
    conditions = Conditions(canvas=(300, 240), digit_fraction=0.55, paper=(236, 234, 228),
                            ink=(30, 30, 35), texture=2, blur=0.8, noise=2)
    for name, value in changes.items():
        setattr(conditions, name, value)
    return grey_of(photograph(mask, conditions, seed=1))


def centre_of_mass(image):
    moments = cv2.moments(np.asarray(image, dtype=np.float32))
    return moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]


def ink_box(image, level=0.2):
    rows = np.flatnonzero((np.asarray(image) > level).any(axis=1))
    cols = np.flatnonzero((np.asarray(image) > level).any(axis=0))
    if len(rows) == 0:
        return 0, 0
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def similarity(a, b):
    return float(np.corrcoef(np.ravel(a), np.ravel(b))[0, 1])


def preprocess(lesson, grey):
    image = np.asarray(call("preprocess_digit", lesson.preprocess_digit, grey))
    expect(
        image.shape == (28, 28),
        "preprocess_digit",
        "a (28, 28) image",
        describe(image),
        "MNIST images are 28x28: fit the digit into 20x20, then pad to 28x28",
    )
    return image


# --- read_image -----------------------------------------------------------------------------


def test_read_image_gives_2d_uint8_grey(lesson, tmp_path):
    rgb = photograph(drawn_mask(2, 120, seed=3), Conditions(canvas=(160, 120), ink=(30, 40, 160)))
    path = tmp_path / "blue-ink.png"
    Image.fromarray(rgb).save(path)
    grey = np.asarray(call("read_image", lesson.read_image, path))
    expect(
        grey.shape == (160, 120) and grey.dtype == np.uint8,
        "read_image",
        "a 2-D uint8 array of shape (160, 120) (height, width) for a 120x160 colour picture",
        describe(grey),
        "Image.open(path).convert('L') gives greyscale; np.asarray(...) makes it an array",
    )
    expect(
        grey.max() > 200 and grey.min() < 90,
        "read_image",
        "white paper (> 200) and dark blue ink (< 90)",
        describe(grey),
        "use the luminance (convert('L')), not one colour channel: blue ink is bright in "
        "the blue channel",
    )


def test_read_image_scales_16_bit_pictures(lesson, tmp_path):
    mask = drawn_mask(5, 80, seed=2)
    picture = np.full((120, 100), 60000, np.uint16)
    picture[20: 20 + mask.shape[0], 20: 20 + mask.shape[1]][mask > 0] = 3000
    path = tmp_path / "sixteen-bit.png"
    cv2.imwrite(str(path), picture)
    grey = np.asarray(call("read_image", lesson.read_image, path))
    expect(
        grey.dtype == np.uint8 and grey.shape == (120, 100),
        "read_image",
        "uint8 of shape (120, 100) for a 16-bit PNG",
        describe(grey),
        "scale 16-bit values (0..65535) to 0..255: divide by 257",
    )
    expect(
        grey.max() > 200 and grey.min() < 40,
        "read_image",
        "paper near 233 and ink near 12 (16-bit 60000 and 3000, divided by 257)",
        describe(grey),
        "a 16-bit picture must be scaled to 0..255 (divide by 257): "
        "Image.convert('L') clips every value above 255 to white",
    )


def test_read_image_composites_transparency(lesson, tmp_path):
    mask = drawn_mask(3, 120, seed=4)
    canvas = photograph(mask, Conditions(canvas=(180, 150), ink=(0, 0, 0), kind="canvas"))
    path = tmp_path / "canvas.png"
    Image.fromarray(canvas, "RGBA").save(path)
    grey = np.asarray(call("read_image", lesson.read_image, path))
    stroke = canvas[..., 3] > 200
    background = canvas[..., 3] == 0
    expect(
        grey.shape == (180, 150),
        "read_image",
        "a 2-D array of shape (180, 150) for an RGBA PNG",
        describe(grey),
        "convert to one grey channel; drop the alpha channel after using it",
    )
    expect(
        grey[background].mean() > 200 and grey[stroke].mean() < 60,
        "read_image",
        "the transparent canvas white (> 200) and the black strokes dark (< 60)",
        f"canvas {grey[background].mean():.0f}, strokes {grey[stroke].mean():.0f}",
        "transparent pixels are black underneath (0, 0, 0, alpha 0): the alpha channel "
        "was ignored, so the picture is all black. Composite onto white: "
        "grey * alpha + 255 * (1 - alpha)",
    )
    # Grey with alpha ("LA") is the other common mode of drawing-app exports.
    path = tmp_path / "canvas-la.png"
    Image.fromarray(canvas, "RGBA").convert("LA").save(path)
    grey = np.asarray(call("read_image", lesson.read_image, path))
    expect(
        grey.ndim == 2 and grey[background].mean() > 200 and grey[stroke].mean() < 60,
        "read_image",
        "a greyscale+alpha PNG (mode LA) composited the same way",
        describe(grey),
        "handle every mode with alpha (RGBA, LA, P with transparency): image.convert('RGBA') first",
    )


def test_read_image_turns_phone_photos_upright(lesson, tmp_path):
    rgb = photograph(drawn_mask(7, 60, seed=5), Conditions(canvas=(80, 120)))
    image = Image.fromarray(rgb)
    exif = image.getexif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display": how phones save portrait shots
    path = tmp_path / "portrait.jpg"
    image.save(path, exif=exif, quality=90)
    grey = np.asarray(call("read_image", lesson.read_image, path))
    expect(
        grey.shape == (120, 80),
        "read_image",
        "shape (120, 80): the stored 120x80 landscape turned upright by its EXIF tag",
        describe(grey),
        "phones store photos sideways with an orientation tag: PIL.ImageOps.exif_transpose(image)",
    )


@pytest.mark.parametrize(
    "case, content",
    [
        ("an empty file", b""),
        ("a text file named .png", b"this is not a picture\n"),
        ("a truncated JPEG", None),
    ],
)
def test_read_image_errors_name_the_file(lesson, tmp_path, case, content):
    path = tmp_path / ("broken.jpg" if content is None else "broken.png")
    if content is None:
        rgb = photograph(drawn_mask(4, 100, seed=6), Conditions(canvas=(200, 160), noise=5))
        full = cv2.imencode(".jpg", rgb)[1].tobytes()
        content = full[: len(full) // 2]
    path.write_bytes(content)
    error = expect_raises(
        ValueError,
        "read_image",
        case,
        "catch Pillow's errors (PIL.UnidentifiedImageError, OSError) and raise "
        "ValueError(f\"{path} is not an image ...\"); call image.load() inside the try, "
        "since Pillow reads lazily",
        lambda: lesson.read_image(path),
    )
    expect(
        "broken" in str(error),
        "read_image",
        "a message that names the file",
        f"ValueError: {error}",
        "put the path in the message: the learner may have passed several files",
    )
    missing = tmp_path / "no-such-picture.png"
    error = expect_raises(
        FileNotFoundError,
        "read_image",
        "a file that does not exist",
        "check path.exists() first and raise FileNotFoundError(f\"{path}: no such file\")",
        lambda: lesson.read_image(missing),
    )
    expect(
        "no-such-picture" in str(error),
        "read_image",
        "a message that names the missing file",
        f"FileNotFoundError: {error}",
        "put the path in the message",
    )


# --- preprocess_digit -----------------------------------------------------------------------


def test_preprocess_gives_28x28_floats_in_unit_range(lesson):
    image = preprocess(lesson, paper_photo(drawn_mask(2, 200, seed=1)))
    expect(
        image.dtype == np.float32,
        "preprocess_digit",
        "dtype float32",
        describe(image),
        ".astype(np.float32) at the end",
    )
    expect(
        image.min() >= 0.0 and image.max() <= 1.0 and image.max() > 0.5,
        "preprocess_digit",
        "values between 0 and 1, the strokes near 1",
        describe(image),
        "values left in 0..255: divide by 255, as the training images were (lesson 02)"
        if image.max() > 1.0
        else "the digit should be bright: stretch the ink to reach 1.0",
    )


def test_preprocess_makes_a_white_digit_on_black(lesson):
    image = preprocess(lesson, paper_photo(drawn_mask(2, 200, seed=1)))
    border = np.concatenate([image[:3].ravel(), image[-3:].ravel(), image[:, :3].ravel(), image[:, -3:].ravel()])
    expect(
        border.mean() < 0.05,
        "preprocess_digit",
        "a black background (the frame's border near 0), as in MNIST",
        f"border mean {border.mean():.2f}, {describe(image)}",
        "MNIST digits are white ink on black: invert dark-on-light pictures (255 - grey) "
        "and make the paper exactly 0",
    )


def test_preprocess_handles_light_ink_on_dark(lesson):
    mask = drawn_mask(4, 200, seed=2)
    dark_on_light = preprocess(lesson, paper_photo(mask))
    light_on_dark = preprocess(lesson, paper_photo(mask, kind="board", paper=(60, 80, 70)))
    expect(
        similarity(dark_on_light, light_on_dark) > 0.8,
        "preprocess_digit",
        "the same result for a dark digit on light paper and a light digit on a dark board",
        f"images that differ (correlation {similarity(dark_on_light, light_on_dark):.2f})",
        "decide the polarity from the picture (is the bulk of it, the paper, light or "
        "dark?) instead of always inverting",
    )


def test_preprocess_fits_a_20_pixel_box_keeping_the_aspect_ratio(lesson):
    image = preprocess(lesson, paper_photo(drawn_mask(1, 220, seed=3), digit_fraction=0.35))
    height, width = ink_box(image)
    expect(
        19 <= height <= 22,
        "preprocess_digit",
        "a digit about 20 pixels tall (MNIST's 20x20 box), in a 28x28 frame",
        f"a digit {height} pixels tall",
        "the digit fills the frame: fit it into 20x20, then pad 4 pixels each side to 28x28"
        if height > 22
        else "crop to the ink's bounding box, then scale its longer side to 20 pixels",
    )
    expect(
        width <= 12,
        "preprocess_digit",
        "a thin '1' to stay thin (at most 12 pixels wide)",
        f"a '1' {width} pixels wide",
        "keep the aspect ratio: scale both sides by 20 / max(height, width); a plain "
        "resize to 28x28 stretches a '1' into a blob",
    )


def test_preprocess_centres_the_centre_of_mass(lesson):
    # A 7 is top-heavy: centring its bounding box leaves its mass high and to the right.
    grey = paper_photo(drawn_mask(7, 200, seed=4), digit_fraction=0.3, centre=(0.3, 0.7))
    image = preprocess(lesson, grey)
    x, y = centre_of_mass(image)
    expect(
        abs(x - 14) <= 0.6 and abs(y - 14) <= 0.6,
        "preprocess_digit",
        "the centre of mass at (14, 14) within 0.6 pixel, as in MNIST",
        f"centre of mass at ({x:.1f}, {y:.1f})",
        "shift by (14 - cx, 14 - cy), where cx, cy come from cv2.moments: MNIST centres "
        "the mass, not the bounding box",
    )


def test_preprocess_evens_out_light_and_ignores_specks(lesson):
    mask = drawn_mask(5, 200, seed=5)
    clean = preprocess(lesson, paper_photo(mask))
    rough = preprocess(lesson, paper_photo(
        mask, lighting=0.55, shadow=True, specks=6, table_edge=True, paper=(215, 205, 180),
        digit_fraction=0.35, centre=(0.55, 0.45), noise=5, jpeg_quality=50))
    expect(
        similarity(clean, rough) > 0.75,
        "preprocess_digit",
        "the same digit from a photo with a shadow, a light gradient, specks and the "
        "table along one side as from a clean one",
        f"images that differ (correlation {similarity(clean, rough):.2f})",
        "estimate the paper's brightness everywhere (e.g. a morphological opening or a big "
        "median blur) and subtract it before thresholding; then keep the largest, most "
        "central blob of ink (cv2.connectedComponentsWithStats), not every dark pixel",
    )


@pytest.mark.parametrize("case", ["a blank sheet of paper", "an all-black picture"])
def test_preprocess_says_when_there_is_no_digit(lesson, case):
    if case == "an all-black picture":
        grey = np.zeros((200, 160), np.uint8)
    else:
        blank = photograph(np.zeros((10, 10), np.uint8), Conditions(
            canvas=(300, 240), lighting=0.4, texture=4, noise=4, jpeg_quality=60), seed=2)
        grey = grey_of(blank)
    error = expect_raises(
        ValueError,
        "preprocess_digit",
        case,
        "when no pixel stands out from the paper, raise ValueError('no digit found in the image')",
        lambda: lesson.preprocess_digit(grey),
    )
    expect(
        "no digit" in str(error).lower(),
        "preprocess_digit",
        "the message 'no digit found in the image'",
        f"ValueError: {error}",
        "say what is wrong in the learner's words: 'no digit found in the image'",
    )


@pytest.fixture(scope="module")
def quick_model(reference, small_train):
    """A small MLP trained for a few seconds: about 93% on MNIST, enough to tell pipelines apart."""
    x, y = small_train
    keras.utils.set_random_seed(0)
    model = reference("04").compile_model(reference("04").build_model((128,)), learning_rate=2e-3)
    model.fit(x, y, epochs=4, batch_size=128, verbose=0)
    return model


def test_preprocess_lets_the_model_read_photos(lesson, quick_model, mnist):
    _, (x_test, y_test) = mnist
    rng = np.random.default_rng(11)
    chosen = rng.choice(len(x_test), 30, replace=False)
    images, naive = [], []
    for index in chosen:
        conditions = random_conditions(rng)
        conditions.canvas = (conditions.canvas[0] // 3 + 80, conditions.canvas[1] // 3 + 80)
        conditions.blur /= 3
        conditions.kind = "photo"
        mask = mnist_mask(x_test[index], 120, weight=float(rng.uniform(0, 1)))
        grey = grey_of(photograph(mask, conditions, seed=int(index)))
        images.append(preprocess(lesson, grey))
        naive.append(255 - cv2.resize(grey, (28, 28), interpolation=cv2.INTER_AREA))
    predicted = quick_model.predict(np.stack(images), verbose=0).argmax(axis=1)
    plain = quick_model.predict(np.stack(naive) / 255.0, verbose=0).argmax(axis=1)
    right = float(np.mean(predicted == y_test[chosen]))
    expect(
        right >= 0.8,
        "preprocess_digit",
        "at least 80% of 30 photos of MNIST test digits read right by a small model",
        f"{right:.0%} (a plain resize and invert gets {np.mean(plain == y_test[chosen]):.0%})",
        "every MNIST step matters: even out the light, keep only the digit, fit 20x20 "
        "keeping the aspect ratio, pad to 28x28, centre the mass",
    )


# --- predict_digit --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def untrained(reference):
    keras.utils.set_random_seed(0)
    return reference("04").build_model((32,))


def test_predict_digit_for_one_image(lesson, untrained, small_test):
    x, _ = small_test
    result = call("predict_digit", lesson.predict_digit, untrained, x[0])
    expect(
        isinstance(result, tuple) and len(result) == 2,
        "predict_digit",
        "a pair (digit, probabilities)",
        type_name(result),
        "return digit, probabilities",
    )
    digit, probabilities = result
    probabilities = np.asarray(probabilities)
    wanted = untrained.predict(x[:1], verbose=0)[0]
    expect(
        probabilities.shape == (10,),
        "predict_digit",
        "ten probabilities, shape (10,), for one image",
        describe(probabilities),
        "model.predict returns a batch, shape (1, 10): take row [0]",
    )
    expect(
        abs(float(probabilities.sum()) - 1) < 1e-4 and np.allclose(probabilities, wanted, atol=1e-4),
        "predict_digit",
        "the model's softmax output, summing to 1",
        describe(probabilities),
        "model.predict(image[np.newaxis], verbose=0)[0]",
    )
    expect(
        isinstance(digit, int) and not isinstance(digit, bool) and digit == int(np.argmax(wanted)),
        "predict_digit",
        f"the Python int {int(np.argmax(wanted))} (the index of the largest probability)",
        f"{digit!r} ({type_name(digit)})",
        "int(np.argmax(probabilities))",
    )


def test_predict_digit_for_a_batch_and_other_input_shapes(lesson, untrained, small_test):
    x, _ = small_test
    result = call("predict_digit", lesson.predict_digit, untrained, x[:5])
    digits, probabilities = np.asarray(result[0]), np.asarray(result[1])
    wanted = untrained.predict(x[:5], verbose=0)
    expect(
        digits.shape == (5,) and probabilities.shape == (5, 10)
        and np.array_equal(digits, wanted.argmax(axis=1)),
        "predict_digit",
        "for 5 images: digits of shape (5,) and probabilities of shape (5, 10)",
        f"digits {describe(digits)}, probabilities {describe(probabilities)}",
        "only add the batch axis when image.ndim == 2; argmax along axis=1",
    )
    flat = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
    digit, probabilities = call("predict_digit", lesson.predict_digit, flat, x[0])
    expect(
        np.allclose(probabilities, flat.predict(x[:1].reshape(1, 784), verbose=0)[0], atol=1e-4),
        "predict_digit",
        "the same answer from a model that takes flat 784-value rows",
        describe(probabilities),
        "reshape the batch to (n, *model.input_shape[1:])",
    )


# --- explain_figure -------------------------------------------------------------------------


def test_explain_figure_shows_stages_input_and_probabilities(lesson, reference):
    grey = paper_photo(drawn_mask(3, 200, seed=6), lighting=0.4)
    image = reference("07").preprocess_digit(grey)
    probabilities = np.array([0.01, 0.01, 0.02, 0.8, 0.02, 0.1, 0.01, 0.01, 0.01, 0.01])
    means = np.random.default_rng(0).random((10, 28, 28)).astype(np.float32)
    figure = call("explain_figure", lesson.explain_figure, grey, image, probabilities, means)
    expect(
        isinstance(figure, Figure),
        "explain_figure",
        "a matplotlib Figure",
        type_name(figure),
        "figure = plt.figure(...); ...; return figure",
    )
    pictures = [ax for ax in figure.axes if ax.images]
    bars = [ax for ax in figure.axes if len(ax.patches) >= 10]
    expect(
        len(pictures) >= 6,
        "explain_figure",
        "at least 6 pictures: 4 stages, the 28x28 input, the average MNIST digit",
        f"{len(pictures)} axes with an image",
        "fill a dict with preprocess_digit(grey, stages=stages) and imshow each stage",
    )
    expect(
        len(bars) == 1 and len(bars[0].patches) == 10
        and bars[0].get_xlabel() == "digit" and bars[0].get_ylabel() == "probability",
        "explain_figure",
        "one bar chart of ten bars, x axis 'digit', y axis 'probability'",
        f"{len(bars)} bar charts"
        + (f" with labels {bars[0].get_xlabel()!r}, {bars[0].get_ylabel()!r}" if bars else ""),
        "ax.bar(range(10), probabilities); ax.set_xlabel('digit'); ax.set_ylabel('probability')",
    )
    shown = [np.asarray(ax.images[0].get_array()) for ax in pictures]
    expect(
        any(a.shape == (28, 28) and np.allclose(a, means[3]) for a in shown),
        "explain_figure",
        "the average MNIST 3 (mnist_means[3]) beside the input, 3 being the prediction",
        "no picture equal to mnist_means[3]",
        "digit = np.argmax(probabilities); ax.imshow(mnist_means[digit], cmap='gray')",
    )
    plt.close(figure)
