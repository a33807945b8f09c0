"""Labels the bar chart's x axis but not its y axis: a reader cannot tell the bars are probabilities."""

CAUGHT_BY = "test_explain_figure_shows_stages_input_and_probabilities"
HINT = "set_ylabel('probability')"


def explain_figure(grey, image, probabilities, mnist_means=None):
    stages = {}
    preprocess_digit(grey, stages=stages)
    digit = int(np.argmax(probabilities))
    figure, axes = plt.subplot_mosaic(LAYOUT, figsize=(12, 6.4), layout="constrained")
    show_stages(axes, stages)
    axes["input"].imshow(image, cmap="gray", vmin=0, vmax=1)
    if mnist_means is not None:
        axes["mean"].imshow(mnist_means[digit], cmap="gray")
    axes["bars"].bar(range(10), probabilities)
    axes["bars"].set_xlabel("digit")
    return figure
