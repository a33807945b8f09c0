"""separate_ink thresholds at 128 whatever the contrast; preprocess_digit chains every step
rightly, yet a faint photo comes out blank ('no digit found'). The message must name
separate_ink as the step to fix, not preprocess_digit."""

CAUGHT_BY = "test_preprocess_digit_lets_the_model_read_photos"
HINT = "fix separate_ink first (pytest checks/lesson_07 -k separate_ink)"


def separate_ink(signal):
    if np.percentile(signal, 99.99) < max(MIN_CONTRAST, 6 * noise_level(signal)):
        raise ValueError("no digit found in the image")
    return np.asarray(signal) > 128
