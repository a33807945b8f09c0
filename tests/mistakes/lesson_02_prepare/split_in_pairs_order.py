"""Returns (x_train, y_train, x_val, y_val), the order Keras' fit reads, not scikit-learn's."""

CAUGHT_BY = "test_split_sizes_and_pairs"
HINT = "keep its return order"


def split_validation(x, y, val_fraction=0.1, seed=0):
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=val_fraction, stratify=y, random_state=seed
    )
    return x_train, y_train, x_val, y_val
