"""Passes shuffle=False (to keep the split the same) with stratify: scikit-learn refuses."""

CAUGHT_BY = "test_split_sizes_and_pairs"
HINT = "a stratified split has to shuffle"


def split_validation(x, y, val_fraction=0.1, seed=0):
    return train_test_split(x, y, test_size=val_fraction, stratify=y, shuffle=False)
