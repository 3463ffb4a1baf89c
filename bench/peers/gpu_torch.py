"""PyTorch peer of bench/gpu.ts: trains the same models (read from the Keras layer configs the
bench writes) on the same synthetic data shapes, batch sizes and step counts, fp32, Adam, on
CUDA when there is a GPU (torch.backends.cudnn.benchmark = True) and on the CPU otherwise.

Like for like with the Keras/TensorFlow.js side:
- the layers and their Keras arguments come from the model graph itself (Conv2D strides,
  padding, bias; BatchNormalization momentum and epsilon; pooling sizes), NHWC data is fed
  as NCHW, PyTorch's layout;
- Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-7) as Keras;
- the model's final softmax is folded into CrossEntropyLoss, as a PyTorch user writes it;
- one warm-up pass of `steps` batches (cuDNN autotuning), then `steps` timed batches; the
  clock stops after torch.cuda.synchronize().

Usage: gpu_torch.py <plan.json>. Prints one JSON line:
{"device": ..., "torch": ..., "results": [{"model": ..., "batch": ..., "imagesPerSecond": ...}]}
"""
import json
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


def same_padding(size, kernel, stride, dilation):
    """Keras/TensorFlow 'same' padding (more on the bottom/right when odd): (left, right)."""
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


class Node(nn.Module):
    """One graph node: its torch module (if any) and how it combines its inputs."""

    def __init__(self, node, shapes):
        super().__init__()
        self.type = node["type"]
        self.config = node["config"]
        self.inputs = node["inputs"]
        self.activation = None
        self.module = None
        c = self.config
        shape = shapes[self.inputs[0]] if self.inputs else None  # (H, W, C) or (F,)
        if self.type == "Conv2D":
            kh, kw = c["kernel_size"]
            self.module = nn.Conv2d(shape[2], c["filters"], (kh, kw), stride=tuple(c["strides"]),
                                    dilation=tuple(c["dilation_rate"]), bias=c["use_bias"])
            nn.init.xavier_uniform_(self.module.weight)
            if self.module.bias is not None:
                nn.init.zeros_(self.module.bias)
            self.activation = c.get("activation")
        elif self.type == "Dense":
            self.module = nn.Linear(shape[-1], c["units"], bias=c["use_bias"])
            nn.init.xavier_uniform_(self.module.weight)
            if self.module.bias is not None:
                nn.init.zeros_(self.module.bias)
            self.activation = c.get("activation")
        elif self.type == "BatchNormalization":
            # Keras momentum m keeps m of the old statistic; PyTorch's momentum is the new share.
            self.module = nn.BatchNorm2d(shape[-1], eps=c["epsilon"], momentum=1 - c["momentum"]) if len(shape) == 3 \
                else nn.BatchNorm1d(shape[-1], eps=c["epsilon"], momentum=1 - c["momentum"])
        elif self.type == "Activation":
            self.activation = c["activation"]
        elif self.type not in ("Input", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "Flatten", "Add", "Concatenate", "Dropout", "ReLU"):
            raise SystemExit(f"gpu_torch.py: layer type {self.type} is not supported by this peer")

    def forward(self, xs, final):
        c = self.config
        x = xs[0] if xs else None
        if self.type in ("Conv2D",):
            if c["padding"] == "same":
                top, bottom = same_padding(x.shape[2], c["kernel_size"][0], c["strides"][0], c["dilation_rate"][0])
                left, right = same_padding(x.shape[3], c["kernel_size"][1], c["strides"][1], c["dilation_rate"][1])
                x = F.pad(x, (left, right, top, bottom))
            x = self.module(x)
        elif self.type in ("Dense", "BatchNormalization"):
            x = self.module(x)
        elif self.type in ("MaxPooling2D", "AveragePooling2D"):
            pool = F.max_pool2d if self.type == "MaxPooling2D" else F.avg_pool2d
            if c["padding"] == "same":
                top, bottom = same_padding(x.shape[2], c["pool_size"][0], c["strides"][0], 1)
                left, right = same_padding(x.shape[3], c["pool_size"][1], c["strides"][1], 1)
                x = F.pad(x, (left, right, top, bottom), value=float("-inf") if self.type == "MaxPooling2D" else 0.0)
            x = pool(x, tuple(c["pool_size"]), tuple(c["strides"]))
        elif self.type == "GlobalAveragePooling2D":
            x = x.mean(dim=(2, 3))
        elif self.type == "Flatten":
            # Keras flattens NHWC: put channels last before flattening so Dense weights see the same order.
            x = x.permute(0, 2, 3, 1).flatten(1) if x.dim() == 4 else x.flatten(1)
        elif self.type == "Add":
            x = xs[0]
            for other in xs[1:]:
                x = x + other
        elif self.type == "Concatenate":
            x = torch.cat(xs, dim=1)
        elif self.type == "Dropout":
            x = F.dropout(x, c["rate"], self.training)
        elif self.type == "ReLU":
            x = F.relu(x)
        activation = self.activation
        if activation == "relu":
            x = F.relu(x)
        elif activation == "softmax" and not final:
            x = F.softmax(x, dim=1)
        elif activation not in (None, "linear", "softmax"):
            raise SystemExit(f"gpu_torch.py: activation {activation} is not supported by this peer")
        return x


class GraphNet(nn.Module):
    """The model graph in topological order; the output node's softmax is left to the loss."""

    def __init__(self, model):
        super().__init__()
        self.order = [node["id"] for node in model["nodes"]]
        self.output = model["output"]
        shapes = {node["id"]: tuple(node["outputShape"]) for node in model["nodes"]}
        self.nodes = nn.ModuleDict({node["id"]: Node(node, shapes) for node in model["nodes"]})

    def forward(self, x):
        values = {}
        for node_id in self.order:
            node = self.nodes[node_id]
            if node.type == "Input":
                values[node_id] = x
                continue
            values[node_id] = node([values[i] for i in node.inputs], node_id == self.output)
        return values[self.output]


def main():
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    cuda = torch.cuda.is_available()
    device = torch.device("cuda" if cuda else "cpu")
    if cuda:
        torch.backends.cudnn.benchmark = True
        name = torch.cuda.get_device_name(0)
    else:
        torch.set_num_threads(plan.get("cpuThreads", 2))
        name = f"CPU ({torch.get_num_threads()} threads)"
    torch.manual_seed(42)
    results = []
    for model in plan["models"]:
        net = GraphNet(model).to(device)
        h, w, c = model["inputShape"]
        batch, steps = model["batch"], model["steps"]
        x = torch.rand(batch, c, h, w, device=device)
        y = torch.randint(0, model["classes"], (batch,), device=device)
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
        loss_fn = nn.CrossEntropyLoss()
        net.train()

        def step():
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(x), y)
            loss.backward()
            optimizer.step()
            return loss

        for _ in range(steps):
            step()
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(steps):
            loss = step()
        loss.item()
        if cuda:
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        params = sum(p.numel() for p in net.parameters())
        results.append({"model": model["name"], "batch": batch, "steps": steps, "params": params,
                        "imagesPerSecond": batch * steps / seconds, "seconds": seconds})
        del net, optimizer, x, y
        if cuda:
            torch.cuda.empty_cache()
    print(json.dumps({"device": name, "torch": torch.__version__, "cuda": cuda, "results": results}))


if __name__ == "__main__":
    main()
