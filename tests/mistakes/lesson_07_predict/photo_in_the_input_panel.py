"""Draws the photo itself (`grey`) in the "input" panel instead of the 28x28 image the model
read: the figure no longer shows what the model saw (found by a beginner walk-through)."""

CAUGHT_BY = "test_explain_figure_shows_stages_input_and_probabilities"
HINT = "the model never sees the photo"


def explain_figure(grey, image, probabilities, mnist_means=None):
    stages = {}
    preprocess_digit(grey, stages=stages)
    digit = int(np.argmax(probabilities))
    figure, axes = plt.subplot_mosaic(LAYOUT, figsize=(12, 6.4), layout="constrained")
    show_stages(axes, stages)
    axes["input"].imshow(grey, cmap="gray")
    if mnist_means is not None:
        axes["mean"].imshow(mnist_means[digit], cmap="gray")
    axes["bars"].bar(range(10), probabilities)
    axes["bars"].set_xlabel("digit")
    axes["bars"].set_ylabel("probability")
    return figure
