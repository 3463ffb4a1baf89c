"""PyTorch peer of bench/train.ts: the same small MNIST CNN, initialisers, optimizer,
batch size, epochs, batch order and data (read from the same dataset cache folder),
trained on the CPU.

Like for like with Keras / TensorFlow.js:
- Conv2D and Dense kernels are glorot_uniform, biases zeros (Keras defaults; PyTorch's
  own defaults are kaiming_uniform(a=sqrt(5)) kernels and uniform biases);
- Adam(lr=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7) as Keras (PyTorch's eps is 1e-8);
- the batches of every epoch come from <order-file>: int32 positions into the training
  split, `epochs` permutations back to back, the ones the app and the raw tfjs loop use.

Usage: train_torch.py <cache-dir> <seed> <epochs> <order-file>. Prints one JSON line:
{"imagesPerSecond": ..., "testAccuracy": ..., "trainImages": ..., "seconds": ..., "threads": ...}
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

BATCH = 64


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

    return split("train"), split("test"), c, h, w, len(info["classes"])


def model(channels, height, width, classes):
    # Conv32-Pool-Conv64-Pool-Flatten-Dense64-Dense10, 3x3 valid convolutions as in Keras.
    flat = 64 * (((height - 2) // 2 - 2) // 2) * (((width - 2) // 2 - 2) // 2)
    net = nn.Sequential(
        nn.Conv2d(channels, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(flat, 64), nn.ReLU(), nn.Linear(64, classes),
    )
    for layer in net:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            # torch's fan computation for conv kernels (in*kh*kw, out*kh*kw) is Keras' too.
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return net


def main():
    cache_dir, seed, epochs, order_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    (x_train, y_train), (x_test, y_test), channels, height, width, classes = load(cache_dir)
    orders = torch.from_numpy(np.fromfile(order_file, dtype="<i4").astype(np.int64)).reshape(epochs, len(x_train))
    net = model(channels, height, width, classes)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    net.train()
    start = time.perf_counter()
    for epoch in range(epochs):
        order = orders[epoch]
        for i in range(0, len(order), BATCH):
            batch = order[i:i + BATCH]
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
        "imagesPerSecond": epochs * len(x_train) / seconds,
        "testAccuracy": correct / max(1, len(x_test)),
        "trainImages": len(x_train),
        "seconds": seconds,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
