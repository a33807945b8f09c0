"""Lesson 07 · Predict your own digit.

Your model reads MNIST digits at 98%. Photograph a digit you wrote on paper, shrink the
photo to 28x28 and it will likely get it wrong, because an MNIST digit was made in a
particular way and your photo was not:

- white ink on black, not dark ink on light paper;
- only the digit: no paper edges, shadows or specks;
- size-normalised: the digit fitted into a 20x20 box keeping its aspect ratio (a "1"
  stays thin), anti-aliased, then placed in a 28x28 frame so that its centre of mass
  sits at the centre;
- strokes about a tenth of the digit's size thick, whatever pen the writer used.

This lesson turns a real picture into that: read the file whatever its format
(`read_image`), find the ink and redraw the digit the MNIST way (`preprocess_digit`),
ask the model (`predict_digit`), and show every step so you can see why it answered what
it did (`explain_figure`). `mnist-course predict photo.jpg` runs all four.
"""

import warnings
from pathlib import Path

import cv2
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 2000  # read_image shrinks bigger pictures: a digit needs far fewer pixels
WORK_SIDE = 400  # preprocess_digit works at this size, whatever the photo's size
BOX = 20  # MNIST fits each digit into a 20x20 box...
FRAME = 28  # ...inside a 28x28 frame
STROKE = 0.10  # MNIST strokes are about a tenth of the digit's longer side thick
MIN_CONTRAST = 20  # grey levels: fainter than this is paper texture, not ink


def read_image(path):
    """Read any image file as a 2-D uint8 greyscale array (0 black .. 255 white).

    Handles what people actually have: JPEGs from phones (turned upright according to
    their EXIF orientation tag), PNGs in colour, in 16-bit or with transparency.
    Transparent pixels are composited onto a backdrop, so that a drawing app's export
    (strokes on a transparent canvas) shows its strokes: onto white when the strokes are
    dark, onto black when they are light. Pictures larger than 2000 pixels on a side are
    shrunk while decoding (a digit needs far fewer), which keeps huge photos fast and
    small in memory.

    Args:
        path: a `str` or `pathlib.Path` to the image file.

    Returns:
        A 2-D uint8 `numpy` array of shape (height, width): luminance for colour images,
        16-bit values scaled to 0..255.

    Raises:
        FileNotFoundError: the file does not exist (the message names it).
        ValueError: the file cannot be read as an image: a folder, an empty file, a
            truncated file, or not an image at all (the message names the file).

    Example:
        >>> grey = read_image("examples/two-blue-ballpoint.png")
        >>> grey.dtype, grey.ndim
        (dtype('uint8'), 2)
    """
    # BEGIN SOLUTION
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not an image file")
    if path.stat().st_size == 0:
        raise ValueError(f"{path} is empty (0 bytes), not an image")
    try:
        with warnings.catch_warnings():
            # Pillow warns about very large pictures; we shrink them straight away.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                # JPEG only: decode at 1/2, 1/4 or 1/8 scale, never the full 12000x12000.
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                # Shrink in place before anything else copies the picture: a 12000x12000
                # PNG is 432 MB decoded, and every copy would cost as much again.
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BILINEAR)
                ImageOps.exif_transpose(image, in_place=True)  # phones store photos sideways
                mode = image.mode
                if mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit or float pixels
                    values = np.asarray(image, dtype=np.float64)
                    sixteen = mode.startswith("I;16") or values.max() > 255
                    top = 65535.0 if sixteen else 255.0
                    return np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
                has_alpha = mode in ("LA", "La", "PA", "RGBA", "RGBa") or (
                    mode == "P" and "transparency" in image.info
                )
                if not has_alpha:
                    return np.array(image.convert("L"), dtype=np.uint8)
                rgba = image.convert("RGBA")
                alpha = np.asarray(rgba, dtype=np.float32)[..., 3] / 255.0
                grey = np.asarray(rgba.convert("L"), dtype=np.float32)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ValueError(f"{path} is not an image that can be read ({reason})") from None
    # The strokes' own lightness picks the backdrop, so light strokes stay visible too.
    weight = float(alpha.sum())
    strokes = float((grey * alpha).sum() / weight) if weight > 0 else 0.0
    backdrop = 255.0 if strokes < 128 else 0.0
    grey = grey * alpha + backdrop * (1.0 - alpha)
    return np.clip(grey + 0.5, 0, 255).astype(np.uint8)
    # END SOLUTION


def preprocess_digit(grey, stages=None):
    """Turn a picture of one handwritten digit into a 28x28 image that looks like MNIST.

    Steps, each one a reason MNIST-trained models fail on raw photos:

    1. Decide the polarity (dark ink on light paper, or light on dark) and make the ink
       white on black.
    2. Even out the lighting: estimate the paper's brightness everywhere (shadows and
       gradients included) and keep only what differs from it (the ink).
    3. Separate ink from paper with a threshold, then keep the digit: the largest, most
       central group of ink, dropping specks, and paper or table edges along the border.
    4. Crop to the digit, bring its strokes to MNIST's thickness (about a tenth of its
       size), fit it into a 20x20 box keeping its aspect ratio, anti-aliased.
    5. Place it in a 28x28 frame with its centre of mass at the centre, as MNIST did.

    Args:
        grey: 2-D uint8 array from `read_image` (any size from 8x8 up).
        stages: optional dict; when given, it is filled with the intermediate images, in
            order ("picture", "ink", "mask", "digit": 2-D arrays), for `explain_figure`.

    Returns:
        A float32 array of shape (28, 28), values in [0, 1], the digit white (near 1) on
        a black (0) background, its longer side about 20 pixels, its centre of mass at
        pixel (14, 14) (x, y) within half a pixel.

    Raises:
        ValueError: "no digit found in the image" when there is no ink (a blank page, an
            all-black picture); a message saying so when the image is smaller than 8x8.

    Example:
        >>> image = preprocess_digit(read_image("examples/two-blue-ballpoint.png"))
        >>> image.shape, image.dtype, float(image.max()) <= 1.0
        ((28, 28), dtype('float32'), True)
    """
    # BEGIN SOLUTION
    grey = np.asarray(grey)
    if grey.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got an array of shape {grey.shape}")
    height, width = grey.shape
    if min(height, width) < 8:
        raise ValueError(f"the image is only {width}x{height} pixels: too small to hold a digit")

    # Work at one size: thresholds and kernels then mean the same for every photo.
    scale = WORK_SIDE / max(height, width)
    size = (max(8, round(width * scale)), max(8, round(height * scale)))
    shrink = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    work = cv2.resize(grey.astype(np.float32), size, interpolation=shrink)
    work = cv2.GaussianBlur(work, (0, 0), 1.0)  # JPEG blocks and sensor noise
    H, W = work.shape

    # 1. Polarity. Paper is the bulk of the picture (the median); the ink is the far tail
    # on one side of it. When both tails are alike (uneven light, a shadow or a dark
    # table edge stretch the paper's range too), bet on what photos of handwriting
    # usually are: dark ink on paper, unless the picture is dark as a whole (a board, a
    # dark-mode drawing app, an MNIST-style image).
    low, middle, high = np.percentile(work[::2, ::2], [0.2, 50, 99.8])
    dark_tail, light_tail = middle - low, high - middle
    if dark_tail > 1.5 * light_tail or light_tail > 1.5 * dark_tail:
        dark_ink = dark_tail > light_tail
    else:
        dark_ink = middle > 80
    ink = 255.0 - work if dark_ink else work

    # 2. Lighting. A grey-level opening with a kernel a third of the picture wipes out
    # every stroke (strokes are thinner than that) and keeps the slowly varying paper.
    # Lighting has no fine detail: a 48-pixel thumbnail is enough, and fast.
    f = 48 / max(H, W)
    thumb = cv2.resize(ink, (max(3, round(W * f)), max(3, round(H * f))), interpolation=cv2.INTER_AREA)
    k = max(3, int(max(thumb.shape) * 0.34) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    paper = cv2.morphologyEx(thumb, cv2.MORPH_OPEN, kernel, borderType=cv2.BORDER_REPLICATE)
    paper = cv2.resize(cv2.GaussianBlur(paper, (0, 0), k / 6), (W, H), interpolation=cv2.INTER_LINEAR)
    signal = ink - paper
    if dark_ink:
        # Light multiplies: in a shadow the ink is darker *and* less contrasted, so
        # dividing by the paper's brightness gives the same signal in shade and in sun.
        signal = signal / np.maximum(255.0 - paper, 16.0) * 255.0
    # Noise level from the paper (the lower half of the signal), to tell ink from grain.
    p10, p50 = np.percentile(signal[::2, ::2], [10, 50])
    noise = (p50 - p10) / 1.28
    signal = np.clip(signal, 0, None)

    # 3. Ink or paper: Otsu's threshold, but never below 30% of the ink's contrast (a
    # blurred stroke's halo is not ink). A paper edge or the table runs *along* the
    # border (a stroke only crosses it) and is often darker than the ink: when there is
    # one, blank it out and threshold again, so it cannot set the contrast.
    for attempt in range(2):
        contrast = float(np.percentile(signal[::2, ::2], 99.9))
        if contrast < max(MIN_CONTRAST, 6 * noise):
            raise ValueError("no digit found in the image")
        ink8 = np.clip(signal / contrast * 255.0, 0, 255).astype(np.uint8)
        otsu, _ = cv2.threshold(ink8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        mask = (ink8 > max(otsu, 0.3 * 255)).astype(np.uint8)
        count, labels, stats, centres = cv2.connectedComponentsWithStats(mask, connectivity=8)
        # Per component, the largest share of one side of the picture it runs along.
        contact = np.zeros(count - 1)
        for edge, length in ((labels[0], W), (labels[-1], W), (labels[:, 0], H), (labels[:, -1], H)):
            contact = np.maximum(contact, np.bincount(edge, minlength=count)[1:] / length)
        edges = np.flatnonzero(contact > 0.25) + 1
        if attempt == 1 or len(edges) == 0:
            break
        band = cv2.dilate(np.isin(labels, edges).astype(np.uint8), np.ones((5, 5), np.uint8))
        signal = np.where(band > 0, 0.0, signal)
    if count <= 1:
        raise ValueError("no digit found in the image")
    area = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    x0, y0 = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    x1, y1 = x0 + stats[1:, cv2.CC_STAT_WIDTH], y0 + stats[1:, cv2.CC_STAT_HEIGHT]
    candidate = (contact <= 0.25) & (area >= 0.0002 * H * W)
    # A line from one side to the other (a ruled line, a fold) is no digit when there is
    # anything else.
    across = ((x0 == 0) & (x1 == W) & (y1 - y0 < 0.2 * H)) | ((y0 == 0) & (y1 == H) & (x1 - x0 < 0.2 * W))
    if np.count_nonzero(candidate) > 1:
        candidate &= ~across
    if not candidate.any():
        raise ValueError("no digit found in the image")
    # The digit: big and central; touching the border counts against it.
    dx, dy = centres[1:, 0] / W - 0.5, centres[1:, 1] / H - 0.5
    touches = (x0 == 0) | (y0 == 0) | (x1 == W) | (y1 == H)
    score = area * np.exp(-(dx**2 + dy**2) / (2 * 0.3**2)) * np.where(touches, 0.5, 1.0)
    main = int(np.argmax(np.where(candidate, score, -1.0)))
    keep = np.zeros(count - 1, dtype=bool)
    keep[main] = True
    # Pieces close to it belong to it too (a 5's flag, a 4 written in two strokes).
    box = [x0[main], y0[main], x1[main], y1[main]]
    grown = True
    while grown:
        grown = False
        gap = 0.25 * max(box[2] - box[0], box[3] - box[1])
        for i in np.flatnonzero(candidate & ~keep & (area >= 0.03 * area[main])):
            if x0[i] < box[2] + gap and x1[i] > box[0] - gap and y0[i] < box[3] + gap and y1[i] > box[1] - gap:
                keep[i] = grown = True
                box = [min(box[0], x0[i]), min(box[1], y0[i]), max(box[2], x1[i]), max(box[3], y1[i])]
    digit = np.isin(labels, np.flatnonzero(keep) + 1).astype(np.uint8)

    # 4. Crop, and bring the strokes to MNIST's thickness: stroke width is about
    # 2 * area / perimeter for a long thin shape.
    crop = digit[box[1]: box[3], box[0]: box[2]]
    side = max(crop.shape)
    contours, _ = cv2.findContours(crop, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(contour, True) for contour in contours)
    stroke = 2.0 * float(crop.sum()) / max(perimeter, 1.0)
    target = STROKE * side
    margin = side // 10 + 2
    crop = cv2.copyMakeBorder(crop, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=0)
    if stroke < 0.8 * target:  # a thin pen: thicken
        radius = int(round((target - stroke) / 2))
        if radius >= 1:
            crop = cv2.dilate(crop, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2))
    elif stroke > 1.5 * target:  # a marker: thin, gently, so loops stay closed
        radius = int(round((stroke - target) * 0.3))
        if radius >= 1:
            thinner = cv2.erode(crop, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2))
            if thinner.sum() > 0.3 * crop.sum():
                crop = thinner
    rows, cols = np.nonzero(crop)
    crop = crop[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1].astype(np.float32)

    # Fit into the 20x20 box keeping the aspect ratio; INTER_AREA averages the sharp
    # mask into soft grey edges, MNIST's anti-aliasing.
    fit = BOX / max(crop.shape)
    new_h, new_w = max(1, round(crop.shape[0] * fit)), max(1, round(crop.shape[1] * fit))
    boxed = cv2.resize(crop, (new_w, new_h), interpolation=cv2.INTER_AREA)

    # 5. Into the 28x28 frame, then shift the centre of mass to (14, 14) like MNIST.
    frame = np.zeros((FRAME, FRAME), np.float32)
    top, left = (FRAME - new_h) // 2, (FRAME - new_w) // 2
    frame[top: top + new_h, left: left + new_w] = boxed
    moments = cv2.moments(frame)
    shift_x = FRAME / 2 - moments["m10"] / moments["m00"]
    shift_y = FRAME / 2 - moments["m01"] / moments["m00"]
    move = np.float32([[1, 0, shift_x], [0, 1, shift_y]])
    frame = cv2.warpAffine(frame, move, (FRAME, FRAME), flags=cv2.INTER_LINEAR)
    if stages is not None:
        stages.update(picture=work, ink=ink8, mask=mask * 255, digit=digit * 255)
    return np.clip(frame, 0.0, 1.0).astype(np.float32)
    # END SOLUTION


def predict_digit(model, image):
    """Ask the model which digit an image (or a batch of images) shows.

    Args:
        model: a trained Keras model with ten outputs, whose input is (28, 28),
            (28, 28, 1) or (784,) per image (`model.input_shape` tells which).
        image: one image of shape (28, 28), float32 in [0, 1] (from `preprocess_digit`),
            or a batch of n such images, shape (n, 28, 28).

    Returns:
        For one image: `(digit, probabilities)`, a Python `int` 0..9 and a float array of
        shape (10,) that sums to 1, `digit` being its largest entry.
        For a batch: `(digits, probabilities)`, an int array of shape (n,) and a float
        array of shape (n, 10), each row summing to 1. Scores that are not already
        probabilities (a model without a final softmax) are passed through a softmax.

    Example:
        >>> digit, probabilities = predict_digit(model, image)
        >>> digit, round(float(probabilities.sum()), 3)
        (7, 1.0)
    """
    # BEGIN SOLUTION
    images = np.asarray(image, dtype=np.float32)
    single = images.ndim == 2
    if single:
        images = images[np.newaxis]  # models take batches, even of one
    wanted = tuple(model.input_shape[1:])
    batch = images.reshape((len(images), *wanted))
    scores = np.asarray(model.predict(batch, verbose=0), dtype=np.float64)
    if np.any(scores < 0) or not np.allclose(scores.sum(axis=1), 1.0, atol=1e-3):
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))  # softmax
    probabilities = scores / scores.sum(axis=1, keepdims=True)
    digits = probabilities.argmax(axis=1)
    if single:
        return int(digits[0]), probabilities[0]
    return digits.astype(int), probabilities
    # END SOLUTION


def explain_figure(grey, image, probabilities, mnist_means=None):
    """Show how a picture became the model's input, and what the model made of it.

    Args:
        grey: the 2-D uint8 picture from `read_image`.
        image: the (28, 28) result of `preprocess_digit(grey)`.
        probabilities: the model's ten probabilities for `image`.
        mnist_means: optional (10, 28, 28) array, the average MNIST training image of each
            digit; when given, the average of the predicted digit is shown beside yours.

    Returns:
        A matplotlib Figure with, on top, the stages of `preprocess_digit` (the picture,
        the ink after evening out the light, the ink mask, the digit kept), and below,
        the 28x28 input, the average MNIST digit for the prediction (when `mnist_means`
        is given), and a bar chart of the ten probabilities with the predicted digit
        highlighted (x axis "digit", y axis "probability").
    """
    # BEGIN SOLUTION
    stages = {}
    preprocess_digit(grey, stages=stages)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    digit = int(np.argmax(probabilities))
    figure = plt.figure(figsize=(12, 6.4))
    grid = figure.add_gridspec(2, 4, height_ratios=[1, 1.1])
    titles = {
        "picture": "1. your picture (grey)",
        "ink": "2. ink, light evened out",
        "mask": "3. ink or paper",
        "digit": "4. the digit kept",
    }
    for column, (name, title) in enumerate(titles.items()):
        ax = figure.add_subplot(grid[0, column])
        ax.imshow(stages[name], cmap="gray", vmin=0, vmax=255 if name != "picture" else None)
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
    ax = figure.add_subplot(grid[1, 0])
    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    ax.set_title("5. model input, 28x28", fontsize=10)
    ax.set_axis_off()
    ax = figure.add_subplot(grid[1, 1])
    if mnist_means is not None:
        ax.imshow(np.asarray(mnist_means)[digit], cmap="gray")
        ax.set_title(f"an average MNIST {digit}", fontsize=10)
    else:
        ax.text(0.5, 0.5, "average MNIST digit\nnot available", ha="center", va="center")
    ax.set_axis_off()
    ax = figure.add_subplot(grid[1, 2:])
    colours = ["tab:orange" if d == digit else "tab:blue" for d in range(10)]
    ax.bar(range(10), probabilities, color=colours)
    ax.set_xticks(range(10))
    ax.set_ylim(0, 1)
    ax.set_xlabel("digit")
    ax.set_ylabel("probability")
    ax.set_title(f"the model says {digit} ({probabilities[digit]:.0%})", fontsize=10)
    figure.tight_layout()
    return figure
    # END SOLUTION
