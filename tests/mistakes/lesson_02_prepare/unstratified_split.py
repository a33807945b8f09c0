"""Forgets stratify=y: digit shares drift between training and validation."""

CAUGHT_BY = "test_split_is_stratified"
HINT = 'stratify=y'

def split_validation(x, y, val_fraction=0.1, seed=0):
    return train_test_split(x, y, test_size=val_fraction, random_state=seed)
