"""Works the validation size out as a whole number, int(val_fraction * len(x)), which rounds
down: 0.15 of 1001 examples gives 150 where the spec says 151 (rounded up)."""

CAUGHT_BY = "test_split_sizes_and_pairs"
HINT = "the docstring says rounded up"


def split_validation(x, y, val_fraction=0.1, seed=0):
    return train_test_split(
        x, y, test_size=int(val_fraction * len(x)), stratify=y, random_state=seed
    )
