"""Plots the share column instead of the count: ten bars that add up to 1."""

CAUGHT_BY = "test_plot_label_distribution_draws_ten_bars"
HINT = "the bars show shares (they add up to 1)"


def plot_label_distribution(y):
    counts = label_counts(y)
    figure, ax = plt.subplots()
    sns.barplot(data=counts, x="digit", y="share", ax=ax)
    ax.set_xlabel("digit")
    ax.set_ylabel("count")
    return figure
