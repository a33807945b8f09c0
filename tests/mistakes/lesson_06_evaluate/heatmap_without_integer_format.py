"""Leaves seaborn's default number format: a count of 1234 is written 1.2e+03."""

CAUGHT_BY = "test_plot_confusion_is_an_annotated_heatmap"
HINT = "fmt='d'"


def plot_confusion(cm):
    figure, ax = plt.subplots()
    sns.heatmap(cm, annot=True, cmap="Blues", ax=ax)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    return figure
