"""Leaves axes['mean'] empty although mnist_means is given: no average MNIST digit to compare."""

CAUGHT_BY = "test_explain_figure_shows_stages_input_and_probabilities"
HINT = "axes['mean'] stays empty"


def explain_figure(grey, image, probabilities, mnist_means=None):
    stages = {}
    preprocess_digit(grey, stages=stages)
    figure, axes = plt.subplot_mosaic(LAYOUT, figsize=(12, 6.4), layout="constrained")
    show_stages(axes, stages)
    axes["input"].imshow(image, cmap="gray")
    axes["bars"].bar(range(10), probabilities)
    axes["bars"].set_xlabel("digit")
    axes["bars"].set_ylabel("probability")
    return figure
