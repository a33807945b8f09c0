"""Passes val_fraction as train_size: a validation set of 90%, stratified all the same; only
the size check may fail, the stratify check must not tell it to pass stratify=y."""

CAUGHT_BY = "test_split_sizes_and_pairs"
HINT = "test_size"


def split_validation(x, y, val_fraction=0.1, seed=0):
    return train_test_split(x, y, train_size=val_fraction, random_state=seed, stratify=y)
