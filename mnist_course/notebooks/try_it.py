"""The "Try it" cells: a lesson's functions used on real data, where a notebook shines.

Lesson 03's figures appear inline; lesson 05's training shows Keras' progress bar live.
Each cell starts with `ready(...)`, which says which functions to write first while any is
still the stub, so a fresh notebook runs top to bottom without an error. Data and earlier
steps come from the reference (`reference("02")`), as in the checks, so a lesson can be
tried before the earlier ones are finished. The course's tests run these cells with the
reference filled in, so a renamed function fails the build instead of a learner.
"""

TRY_IT = {
    "03": '''\
# Try it: your functions on the real training set; the figures appear below the cell.
if ready(label_counts, plot_samples, plot_label_distribution, plot_mean_digits):
    (x_train, y_train), _ = reference("01").load_mnist()
    display(label_counts(y_train))
    for figure in (plot_samples(x_train, y_train), plot_label_distribution(y_train),
                   plot_mean_digits(x_train, y_train)):
        display(figure)
        plt.close(figure)  # shown once, and not kept in memory''',
    "05": '''\
# Try it: train a small model on 5,400 images with your train(): Keras shows its progress
# bar for each epoch. Then your history_frame() and plot_history() show how it went.
if ready(train, history_frame, plot_history):
    (x, y), _ = reference("01").load_mnist()
    prepare, build = reference("02"), reference("04")
    x_tr, x_val, y_tr, y_val = prepare.split_validation(prepare.normalize(x[:6000]), y[:6000], 0.1, seed=0)
    model = build.compile_model(build.build_model())
    history = train(model, x_tr, y_tr, x_val, y_val, epochs=3, verbose=1)
    display(history_frame(history))
    figure = plot_history(history)
    display(figure)
    plt.close(figure)''',
}
