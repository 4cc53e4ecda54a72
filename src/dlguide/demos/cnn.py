"""CNN demo: a small convolutional network turns images into embeddings, then labels spread over them.

Default data: scikit-learn's 8x8 handwritten digits (offline). The network learns from the labeled
images only (a --labeled share, at least one per class), each seen turned, moved and scaled a little
(augmentation), then in two more rounds also from the 90% most confident labels that propagation over
its own embeddings gave (self-training: the hidden labels are never used). Convolutions share weights
across positions, so a stroke is recognised wherever it sits; that is the inductive bias the comparison
with propagation on raw pixels shows.

Real data: ``--data DIR`` (one folder per class, plus ``unlabeled/``), or ``--dataset cifar10|mnist|
fashion-mnist [--download]``; ``--pretrained`` embeds with torchvision's ImageNet ResNet-18 instead of
training (the weights are downloaded once by torchvision).

    python demo.py --quick --device cpu        # a few seconds
    python demo.py --labeled 0.05 --json       # fewer labels, machine-readable result
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

if __package__:
    from . import lpdata, lpkit, lpresult
else:  # run as a copied script: the helpers sit next to this file
    import lpdata
    import lpkit
    import lpresult


# -- model -------------------------------------------------------------------------------------------

class ConvNet(nn.Module):
    def __init__(self, channels: int, classes: int, width: int = 32, dim: int = 128):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.BatchNorm2d(2 * width), nn.ReLU(),
            nn.AdaptiveAvgPool2d(2),
        )
        self.embed = nn.Sequential(nn.Flatten(), nn.Linear(8 * width, dim), nn.ReLU())
        self.head = nn.Linear(dim, classes)

    def forward(self, x):  # x: B x C x H x W
        z = self.embed(self.features(x))  # B x dim: the embedding that labels spread over
        return self.head(z), z


def train(model, x, targets, epochs, device, batch=64):
    """Cross-entropy on the points with a target (given or self-trained label); -1 targets are skipped."""
    known = torch.from_numpy(np.flatnonzero(targets >= 0))
    y = torch.from_numpy(targets).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    steps = epochs * max(10, -(-len(known) // batch))  # few labels still need enough steps
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=3e-3, total_steps=steps)
    model.train()
    for step in range(steps):
        idx = known[torch.randint(len(known), (min(batch, len(known)),))].to(device)
        logits, _ = model(lpdata.random_affine(x[idx]))
        loss = F.cross_entropy(logits, y[idx])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        lpkit.advance("cnn: training", step + 1, steps, loss=loss.detach())
    return float(loss.detach())


@torch.no_grad()
def embed(model, x, batch=512):
    model.eval()
    return torch.cat([model(x[i : i + batch])[1] for i in range(0, len(x), batch)]).cpu().numpy()


def pretrained_embed(x, device):
    """ImageNet ResNet-18 features (512-d) of images upscaled to 64 x 64, as in the seed's script."""
    import torchvision

    try:
        weights = torchvision.models.ResNet18_Weights.DEFAULT
        net = torchvision.models.resnet18(weights=weights)
    except Exception as exc:  # noqa: BLE001 - torchvision raises URLError, OSError or RuntimeError offline
        raise lpkit.DemoError("data", f"--pretrained: cannot load ResNet-18 weights ({str(exc).splitlines()[0]})") from exc
    net.fc = nn.Identity()
    net = net.to(device).eval()
    mean = torch.tensor([0.485, 0.456, 0.406], device=device).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225], device=device).view(1, 3, 1, 1)
    out = []
    with torch.no_grad():
        for i in range(0, len(x), 128):
            chunk = x[i : i + 128].expand(-1, 3, -1, -1)  # grey images repeat their one channel
            chunk = F.interpolate(chunk, size=64, mode="bilinear", align_corners=False)
            out.append(net((chunk - mean) / std).cpu())  # B x 512
    return torch.cat(out).numpy()


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None) -> dict:
    parser = lpkit.make_parser("cnn", __doc__.splitlines()[0], samples=1797, epochs=30)
    lpdata.add_image_options(parser)
    parser.add_argument("--pretrained", action="store_true", help="embed with ImageNet ResNet-18 instead of training")
    lpkit.add_self_training(parser, rounds=3, keep=0.9)
    args = lpkit.parse(parser, argv)
    lpresult.check_outputs(args, inputs=[args.data])
    if args.quick:
        args.samples, args.epochs, args.rounds = min(args.samples, 600), min(args.epochs, 6), 1
    device = lpkit.choose_device(args.device)
    lpkit.seed_everything(args.seed)

    data = lpdata.load_images(args)  # default: digits, N x 1 x 8 x 8
    y_semi = lpkit.given_labels(args, data)  # your own data: every label you gave
    x = torch.from_numpy(data.x).to(device)  # N x C x H x W
    lpkit.progress(f"cnn: {len(x)} images {tuple(x.shape[1:])} on {device}, {int((y_semi >= 0).sum())} labeled")

    def fit(labels, clock):  # a fresh model that learns from ``labels`` only: for the predictions, and per fold of the estimate
        model = ConvNet(x.shape[1], len(data.classes)).to(device)
        return lpkit.self_train("cnn", args.rounds, lambda targets: train(model, x, targets, args.epochs, device),
                                lambda: embed(model, x), labels, lpkit.propagation_settings(args), clock, args.keep)

    timings = {}
    if args.pretrained:
        with lpkit.timed(timings, "embed"):
            embeddings = pretrained_embed(x, device)
        variant = "resnet18-imagenet"
    else:
        embeddings = fit(y_semi, timings)
        variant = "convnet"

    result = lpresult.evaluate(args, family="cnn", variant=variant, data=data, device=device, embeddings=embeddings,
                               raw=data.x, y_semi=y_semi, timings=timings, refit=None if args.pretrained else fit)
    lpresult.report(result, args.json)
    return result


if __name__ == "__main__":
    lpkit.run_main(main)
