"""No random_state: a different split on every run, so runs cannot be compared."""

CAUGHT_BY = "test_split_is_seeded"
HINT = 'random_state=seed'

def split_validation(x, y, val_fraction=0.1, seed=0):
    return train_test_split(x, y, test_size=val_fraction, stratify=y)
