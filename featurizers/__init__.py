"""Turn neural architectures into numbers.

``featurizers`` is independent of :mod:`predbench`: it knows search spaces (parsing, canonical ids,
cell graphs), encodings (one-hot, path, GRAF) and zero-cost proxies, and nothing about datasets,
predictors or evaluation.
"""

__version__ = "0.1.0"
