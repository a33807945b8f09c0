"""Always inverts (dark ink assumed): a light digit on a dark board becomes a dark hole."""

CAUGHT_BY = "test_preprocess_handles_light_ink_on_dark"
HINT = "decide the polarity"


def preprocess_digit(grey, stages=None):
    grey = cv2.GaussianBlur(np.asarray(grey, np.uint8), (5, 5), 0)
    ink = 255 - grey  # "MNIST is white on black, photos are black on white"
    _, mask = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    if count < 2:
        raise ValueError("no digit found in the image")
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = stats[biggest, :4]
    crop = (labels[y: y + h, x: x + w] == biggest).astype(np.float32)
    fit = 20 / max(crop.shape)
    nh, nw = max(1, round(h * fit)), max(1, round(w * fit))
    frame = np.zeros((28, 28), np.float32)
    top, left = (28 - nh) // 2, (28 - nw) // 2
    frame[top: top + nh, left: left + nw] = cv2.resize(crop, (nw, nh), interpolation=cv2.INTER_AREA)
    m = cv2.moments(frame)
    move = np.float32([[1, 0, 14 - m["m10"] / m["m00"]], [0, 1, 14 - m["m01"] / m["m00"]]])
    return cv2.warpAffine(frame, move, (28, 28))
