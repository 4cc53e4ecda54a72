"""Autoencoder demo: a convolutional autoencoder's latent code is the embedding that labels spread over.

Default data: scikit-learn's 8x8 handwritten digits (offline). The autoencoder learns to rebuild every
image from a 32-number code after its input is corrupted with noise (a denoising autoencoder: no labels
needed, so all images are used), and a small head on the code learns the classes of the labeled images
only, each seen turned, moved and scaled a little, then in a second round also from the 90% most
confident labels propagated over its own codes, which pulls codes of one class together (a
semi-supervised autoencoder; hidden labels are never used). The code keeps what is needed to redraw the
digit and drops pixel noise. A PNG shows inputs (top rows) above their reconstructions (bottom rows).

Real data: ``--data DIR`` (one folder per class, plus ``unlabeled/``) or ``--dataset mnist|
fashion-mnist|cifar10 [--download]``.

    python demo.py --quick --png reconstructions.png
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

if __package__:
    from . import lpdata, lpkit, lpplot, lpresult
else:  # run as a copied script: the helpers sit next to this file
    import lpdata
    import lpkit
    import lpplot
    import lpresult


# -- model -------------------------------------------------------------------------------------------

class AutoEncoder(nn.Module):
    def __init__(self, channels: int, size: int, classes: int, code: int = 32, width: int = 32):
        super().__init__()
        self.cells = size // 4
        self.encoder = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),  # B x w x S x S
            nn.Conv2d(width, width, 3, stride=2, padding=1), nn.BatchNorm2d(width), nn.ReLU(),  # B x w x S/2 x S/2
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.BatchNorm2d(2 * width), nn.ReLU(),  # B x 2w x S/4 x S/4
            nn.Flatten(), nn.Linear(2 * width * self.cells**2, code),  # B x code
        )
        self.decoder = nn.Sequential(
            nn.Linear(code, 2 * width * self.cells**2), nn.ReLU(),
            nn.Unflatten(1, (2 * width, self.cells, self.cells)),
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1), nn.ReLU(),  # B x w x S/2 x S/2
            nn.ConvTranspose2d(width, channels, 4, stride=2, padding=1),  # B x C x S x S (logits)
        )
        self.head = nn.Linear(code, classes)

    def forward(self, x):  # x: B x C x S x S
        z = self.encoder(x)  # B x code
        return self.decoder(z), self.head(z), z


def train(model, x, targets, epochs, device, batch=64, noise=0.3, weight=1.0):
    """Denoising reconstruction on every image, plus cross-entropy on the labeled images' codes."""
    known = np.flatnonzero(targets >= 0)
    y = torch.from_numpy(targets).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    model.train()
    for epoch in range(epochs):
        total = 0.0
        for idx in torch.randperm(len(x), device=device).split(batch):
            images = x[idx]
            noisy = (images + noise * torch.randn_like(images)).clamp(0, 1)
            rebuilt, _, _ = model(noisy)
            loss = F.binary_cross_entropy_with_logits(rebuilt, images)
            labeled = torch.from_numpy(np.random.choice(known, size=min(batch, len(known)))).to(device)
            loss = loss + weight * F.cross_entropy(model(lpdata.random_affine(x[labeled]))[1], y[labeled])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item()
        lpkit.advance("autoencoder: epoch", epoch + 1, epochs, loss=total / max(1, len(x) // batch))


@torch.no_grad()
def embed(model, x, batch=512):
    model.eval()
    return torch.cat([model(x[i : i + batch])[2] for i in range(0, len(x), batch)]).cpu().numpy()


@torch.no_grad()
def reconstructions(model, x, count=16):
    """Inputs in the top rows, their reconstructions below, as one batch for a grid of 8 columns."""
    model.eval()
    inputs = x[:count]
    return torch.cat([inputs, torch.sigmoid(model(inputs)[0])])


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None) -> dict:
    parser = lpkit.make_parser("autoencoder", __doc__.splitlines()[0], samples=1797, epochs=40)
    lpdata.add_image_options(parser)
    parser.add_argument("--png", default=None, help="where to write inputs beside reconstructions (default: autoencoder_reconstructions.png, or autoencoder_reconstructions-1.png and so on if it exists: never overwritten)")
    lpkit.add_self_training(parser, rounds=2, keep=0.9)
    args = lpkit.parse(parser, argv)
    lpresult.check_outputs(args, inputs=[args.data])
    if args.quick:
        args.samples, args.epochs, args.rounds = min(args.samples, 600), min(args.epochs, 6), 1
    device = lpkit.choose_device(args.device)
    lpkit.seed_everything(args.seed)

    data = lpdata.load_images(args)  # default: digits, N x 1 x 8 x 8
    y_semi = lpkit.given_labels(args, data)  # your own data: every label you gave
    x = torch.from_numpy(data.x).to(device)  # N x C x S x S
    lpkit.progress(f"autoencoder: {len(x)} images {tuple(x.shape[1:])} on {device}, {int((y_semi >= 0).sum())} labeled")

    def fit(labels, clock):  # a fresh model that learns from ``labels`` only: for the predictions, and per fold of the estimate
        model = AutoEncoder(x.shape[1], x.shape[-1], len(data.classes)).to(device)
        return lpkit.self_train("autoencoder", args.rounds, lambda targets: train(model, x, targets, args.epochs, device),
                                lambda: embed(model, x), labels, lpkit.propagation_settings(args), clock, args.keep), model

    timings = {}
    embeddings, model = fit(y_semi, timings)
    png = lpplot.save_grid(reconstructions(model, x), args.png, "autoencoder_reconstructions.png")

    result = lpresult.evaluate(args, family="autoencoder", variant="denoising-conv", data=data, device=device,
                               embeddings=embeddings, raw=data.x, y_semi=y_semi, timings=timings, files={"png": png},
                               refit=lambda labels, clock: fit(labels, clock)[0])
    lpresult.report(result, args.json)
    return result


if __name__ == "__main__":
    lpkit.run_main(main)
