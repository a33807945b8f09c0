"""Training: the data, the models and what they predict.

- `data`: getting MNIST (Keras' download, or a local `mnist.npz` checked before it is trusted);
- `augmentation`: lesson 04's augmentation, applied the fast way while the pipeline trains;
- `model_files`: trained model files, checked before Keras reads them and written atomically;
- `pipeline`: the whole course as one pipeline (`mnist-course train`, `evaluate`, the benches);
- `predict`: `mnist-course predict`.
"""
