"""Draws the distribution with sns.histplot(y, bins=10): its ten bins run from the smallest
label there is to the largest, so they sit on the digits only when both 0 and 9 occur."""

CAUGHT_BY = "test_plot_label_distribution_draws_ten_bars"
HINT = "a histogram spreads its ten bins from the smallest label there is to the largest"


def plot_label_distribution(y):
    figure, ax = plt.subplots()
    sns.histplot(y, bins=10, ax=ax)
    ax.set_xlabel("digit")
    ax.set_ylabel("count")
    return figure
