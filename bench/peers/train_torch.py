"""PyTorch peer of bench/train.ts: the same small MNIST CNN, optimizer, batch size and
data (read from the same dataset cache folder), trained for one epoch on the CPU.

Usage: train_torch.py <cache-dir> <seed>. Prints one JSON line:
{"imagesPerSecond": ..., "testAccuracy": ..., "trainImages": ..., "seconds": ...}
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn


def load(cache_dir):
    with open(os.path.join(cache_dir, "info.json")) as f:
        info = json.load(f)
    with open(os.path.join(cache_dir, "index.json")) as f:
        index = json.load(f)
    h, w, c = info["imageShape"]
    images = np.fromfile(os.path.join(cache_dir, "images.u8"), dtype=np.uint8).reshape(-1, h, w, c)
    labels = np.asarray(index["labels"], dtype=np.int64)
    scale = info["preprocessing"].get("scale", 1 / 255)
    offset = info["preprocessing"].get("offset", 0)

    def split(name):
        idx = np.asarray(index["splits"][name], dtype=np.int64)
        x = images[idx].astype(np.float32) * scale + offset
        # NHWC -> NCHW, PyTorch's layout.
        return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))), torch.from_numpy(labels[idx])

    return split("train"), split("test"), c, len(info["classes"])


def model(channels, classes):
    # Conv32-Pool-Conv64-Pool-Flatten-Dense64-Dense10, 3x3 valid convolutions as in Keras.
    return nn.Sequential(
        nn.Conv2d(channels, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.LazyLinear(64), nn.ReLU(), nn.Linear(64, classes),
    )


def main():
    cache_dir, seed = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    (x_train, y_train), (x_test, y_test), channels, classes = load(cache_dir)
    net = model(channels, classes)
    net(x_train[:1])  # materialises the lazy layer before the optimizer sees the parameters
    # Keras Adam's epsilon is 1e-7.
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(seed))
    net.train()
    start = time.perf_counter()
    for i in range(0, len(order), 64):
        batch = order[i:i + 64]
        optimizer.zero_grad()
        loss = loss_fn(net(x_train[batch]), y_train[batch])
        loss.backward()
        optimizer.step()
        loss.item()
    seconds = time.perf_counter() - start
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x_test), 1000):
            correct += (net(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
    print(json.dumps({
        "imagesPerSecond": len(x_train) / seconds,
        "testAccuracy": correct / max(1, len(x_test)),
        "trainImages": len(x_train),
        "seconds": seconds,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
