"""Shows mnist_means[3], the digit of the check's first example, whatever the prediction."""

CAUGHT_BY = "test_explain_figure_shows_stages_input_and_probabilities"
HINT = "show the mean of the digit the model predicts"


def explain_figure(grey, image, probabilities, mnist_means=None):
    stages = {}
    preprocess_digit(grey, stages=stages)
    figure, axes = plt.subplot_mosaic(LAYOUT, figsize=(12, 6.4), layout="constrained")
    show_stages(axes, stages)
    axes["input"].imshow(image, cmap="gray", vmin=0, vmax=1)
    if mnist_means is not None:
        axes["mean"].imshow(mnist_means[3], cmap="gray")
    axes["bars"].bar(range(10), probabilities)
    axes["bars"].set_xlabel("digit")
    axes["bars"].set_ylabel("probability")
    return figure
