"""Reading pictures: what lesson 07 calls to turn a picture into an MNIST-like digit.

- `digit_tools`: the harder judgement calls of lesson 07's preprocessing (course code to read);
- `image_files`: opening a learner's picture file safely;
- `stage_figure`: drawing the stages of `preprocess_digit`;
- `photos`: photo-like digit images made by the course, to test and measure lesson 07.
"""
