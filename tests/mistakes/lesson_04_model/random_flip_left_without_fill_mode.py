"""A RandomFlip in the augment block, seen by the fill-mode check: it has no fill_mode to set,
so the hint must say to leave it out, not to pass fill_mode to the layers that have it right."""

CAUGHT_BY = "test_augment_fills_the_border_with_black"
HINT = "RandomFlip takes no fill_mode: it is none of the block's layers"

def augment(rotation=0.02, shift=0.05, zoom=0.05):
    fill = dict(fill_mode="constant", fill_value=0.0)
    return keras.Sequential([
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.RandomFlip("horizontal"),
        keras.layers.RandomRotation(rotation, **fill),
        keras.layers.RandomTranslation(shift, shift, **fill),
        keras.layers.RandomZoom(zoom, **fill),
    ], name="augment")
