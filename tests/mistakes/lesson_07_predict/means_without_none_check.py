"""Shows mnist_means[digit] without checking that mnist_means was given: called without it
(the default, None), explain_figure raises TypeError."""

CAUGHT_BY = "test_explain_figure_without_mnist_means"
HINT = "only show mnist_means[digit] when mnist_means is not None"


def explain_figure(grey, image, probabilities, mnist_means=None):
    stages = {}
    preprocess_digit(grey, stages=stages)
    digit = int(np.argmax(probabilities))
    figure, axes = plt.subplot_mosaic(LAYOUT, figsize=(12, 6.4), layout="constrained")
    show_stages(axes, stages)
    axes["input"].imshow(image, cmap="gray", vmin=0, vmax=1)
    axes["mean"].imshow(mnist_means[digit], cmap="gray")
    axes["bars"].bar(range(10), probabilities)
    axes["bars"].set_xlabel("digit")
    axes["bars"].set_ylabel("probability")
    return figure
