"""optimizer="adam" silently uses 0.001 whatever learning_rate says."""

CAUGHT_BY = "test_compiles_with_adam_at_the_given_learning_rate"
HINT = "the string 'adam' always uses 0.001"

def compile_model(model, learning_rate=1e-3):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
