"""Regression cases for `dlguide recommend`: one table of what a user gives and what the answer must say.

These are regression cases, not a measurement. They were written from the seeds (the comparison table
``seed:000`` and the notes ``seed:001``-``seed:003``), from current practice where the seeds are silent
or dated (issue 8), and to pin the rest of an answer (the variant named, the advice given); and they were
edited alongside the rules they check. So they pin behaviour: a change to the knowledge base that breaks
one must be deliberate. How well the advice generalises is measured in ``benchmarks/`` instead, on the
expert corpus with its held-out test part (``benchmarks/advice.py``, ``benchmarks/describe.py``).

Each case is what a user would give - flags, or a sentence for ``--describe`` - and cites what its
expectation rests on. Every case runs through the real command (``recommend ... --json``), in this
process for speed; a sample also runs as ``python -m dlguide``. What a case may assert:

- ``top``: the family that must lead, or None where reasonable experts disagree;
- ``top3``: families that must rank first, second or third; ``not_top``: families that must not lead;
- ``variants``: the variant named for a family; ``pretrained``: a model the leader's pretrained route names;
- ``quiet``: families no rule may raise; ``advice``: words the advice must contain.

``written`` says where a case comes from: ``seeds`` (scored as "seed-written cases" by
``benchmarks/advice.py``), ``practice`` or ``answer``. The cases came from two suites,
``test_scenarios.py`` and ``test_heldout_style.py``; flags given in both are one case citing both sources.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field

import pytest


@dataclass(frozen=True)
class Case:
    id: str
    given: tuple[str, ...] | str  # flags, or a sentence for --describe
    top: str | None  # the family that must lead, or None where experts disagree
    top3: tuple[str, ...] = ()  # families that must rank first, second or third
    not_top: tuple[str, ...] = ()  # families that must not lead
    quiet: tuple[str, ...] = ()  # families that no rule may raise
    advice: tuple[str, ...] = ()  # words the advice must contain
    variants: dict = field(default_factory=dict, hash=False)  # family -> the variant it must name
    pretrained: str | None = None  # a model the leader's pretrained route must name
    written: str = "seeds"  # seeds, practice or answer
    source: str = ""

    def args(self) -> list[str]:
        given = ["--describe", self.given] if isinstance(self.given, str) else list(self.given)
        return ["recommend", *given, "--json"]


def F(id, flags, top, **expected):
    return Case(id, tuple(flags.split()), top, **expected)


def D(id, text, top, **expected):
    return Case(id, text, top, **expected)


CASES = [
    # ---- written from the seeds (was tests/test_scenarios.py, CASES) ------------------------------------------------
    F("xray-small-laptop", "--data image --task classify --samples 800 --labeled 0.1 --compute low", "cnn",
      advice=("pretrained", "semi-supervised"), variants={"cnn": "resnet"},
      source="seed:000 comparison table: CNN better than Transformers for smaller image datasets; seed:003 transfer "
             "learning for small data; and (was img-small-lowcompute) seed:000 CNN row 'preferred over': better than "
             "Transformers for smaller image datasets where compute matters; seed:003 transfer learning"),
    F("cifar-medium", "--data image --task classify --samples 50000 --compute medium", "cnn", top3=("transformer",),
      source="seed:000 comparison table: CNN row, image classification (CIFAR-10)"),
    F("imagenet-scale-cluster", "--data image --task classify --samples 5000000 --compute high --priority quality",
      "transformer", top3=("cnn",), variants={"transformer": "vit"},
      source="seed:000 comparison table: Transformer row, Vision Transformers; ViT paper: beats CNNs with very large "
             "data and compute"),
    F("mnist-digits", "--data image --task classify --samples 60000 --compute low", "cnn",
      source="seed:000 comparison table: CNN examples, MNIST"),
    F("unknown-size-images", "--data image --task classify", "cnn",
      source="seed:000 comparison table: CNN for image recognition; and (was img-classify-unknowns) seed:000 CNN row "
             "'When it is used': image recognition"),
    F("defect-boxes", "--data image --task detect --samples 5000 --compute medium", "cnn", variants={"cnn": "yolo"},
      source="seed:000 comparison table: CNN examples, object detection (YOLO, Faster R-CNN)"),
    F("pedestrians-realtime", "--data image --task detect --samples 100000 --compute medium --priority speed", "cnn",
      source="seed:000 comparison table: CNN object detection; YOLO is the real-time detector"),
    F("mri-tumour-masks", "--data image --task segment --samples 300 --labeled 1.0 --compute medium", "cnn",
      variants={"cnn": "unet"},
      source="seed:000 comparison table: CNN examples, medical image segmentation (tumours in MRI); and (was "
             "img-segment-small) seed:000 CNN row 'Examples': medical image segmentation"),
    F("satellite-segmentation-big", "--data image --task segment --samples 200000 --compute high", "cnn",
      top3=("transformer",),
      source="seed:000 comparison table: CNN for segmentation; transformers when global context and compute allow"),
    F("age-from-face", "--data image --task regress --samples 20000 --compute medium", "cnn",
      source="seed:003 CNN best for image and spatial data"),
    F("image-embeddings-search", "--data image --task embed --samples 30000 --labeled 1.0", "cnn",
      source="seed:001 demo: pretrained ResNet as feature extractor for embeddings"),
    F("unlabeled-image-features", "--data image --task embed --samples 20000 --labeled 0.0", "autoencoder",
      top3=("cnn",), source="seed:000 comparison table: Autoencoder row, unsupervised feature learning"),
    F("denoise-scans", "--data image --task denoise --samples 5000", "autoencoder",
      source="seed:000 comparison table: Autoencoder examples, image denoising autoencoder"),
    F("compress-images", "--data image --task compress --samples 10000 --labeled 0.0", "autoencoder",
      source="seed:000 comparison table: Autoencoder row, compression and dimensionality reduction"),
    F("image-anomaly-factory", "--data image --task anomaly --samples 3000 --labeled 0.0 --compute medium",
      "autoencoder", source="seed:000 comparison table: Autoencoder row, anomaly detection"),
    F("faces-fast", "--data image --task generate --samples 70000 --compute medium --priority speed", "gan",
      top3=("diffusion",), source="seed:000 comparison table: GAN better than Diffusion for faster generation"),
    F("faces-fidelity", "--data image --task generate --samples 70000 --compute high --priority quality", "diffusion",
      top3=("gan",), source="seed:000 comparison table: Diffusion better than GANs for diverse, high-quality samples"),
    F("art-stable-training", "--data image --task generate --samples 30000 --compute medium --priority stability",
      "diffusion", source="seed:000 comparison table: GAN row, not when stable training is critical (mode collapse)"),
    F("generate-unknown-priority", "--data image --task generate --samples 100000 --compute medium", "diffusion",
      top3=("gan",), source="seed:000 comparison table: Diffusion row, high-fidelity image generation"),
    F("realtime-generation-laptop", "--data image --task generate --samples 20000 --compute low --priority speed",
      "gan", source="seed:000 comparison table: GAN faster generation; diffusion slow and heavy"),
    F("text-to-image", "--data multimodal --task generate --samples 2000000 --compute high", "diffusion",
      top3=("transformer",), variants={"diffusion": "latent"},
      source="seed:000 comparison table: Diffusion examples, text-to-image (Stable Diffusion)"),
    F("sketch-to-photo", "--data image --task translate --samples 10000 --compute medium", "gan", top3=("diffusion",),
      source="seed:000 comparison table: GAN examples, image-to-image translation (sketches to photos); and (was "
             "img-translate) seed:000 GAN row 'Examples': image-to-image translation, sketches to photos"),
    F("augment-rare-class", "--data image --task generate --samples 5000 --compute medium --priority speed", "gan",
      source="seed:000 comparison table: GAN row, data augmentation and fast generation"),
    F("text-generation-gpt", "--data text --task generate --samples 1000000 --seq-len 1024 --compute high",
      "transformer", variants={"transformer": "decoder-only"},
      source="seed:000 comparison table: Transformer examples, language modelling and text generation (GPT)"),
    F("char-rnn-laptop", "--data text --task generate --samples 500 --seq-len 40 --compute low", "rnn",
      source="seed:000 comparison table: RNN examples, text generation; better than Transformers for short sequences "
             "with limited compute"),
    F("synthetic-tables", "--data tabular --task generate --samples 50000 --compute medium", "gan",
      source="seed:000 comparison table: GAN row, data generation and augmentation (CTGAN in practice)"),
    F("music-generation", "--data audio --task generate --samples 200000 --compute high --priority quality",
      "diffusion", source="seed:000 comparison table: Diffusion row, complex data generation with high fidelity"),
    F("video-generation", "--data video --task generate --samples 500000 --compute high", "diffusion",
      source="seed:000 comparison table: Diffusion examples, video generation or frame interpolation"),
    F("reviews-sentiment-big", "--data text --task classify --samples 500000 --seq-len 300 --compute medium",
      "transformer", top3=("rnn",), source="seed:002 Transformers (BERT) revolutionised NLP, e.g. sentiment analysis"),
    F("long-documents-cluster", "--data text --task classify --samples 200000 --seq-len 4000 --compute high",
      "transformer",
      source="seed:000 comparison table: Transformer better than RNNs for long sequences; RNN row, not for very long "
             "sequences"),
    F("tweets-short-laptop", "--data text --task classify --samples 3000 --seq-len 30 --compute low", "rnn",
      variants={"rnn": "gru"},
      source="seed:000 comparison table: RNN better than Transformers for short-to-medium sequences with limited "
             "compute"),
    F("sms-spam-tiny", "--data text --task classify --samples 600 --seq-len 20 --compute low --labeled 1.0", "rnn",
      source="seed:000 comparison table: Transformer row, not when the dataset is very small or compute limited"),
    F("translation-en-fr", "--data text --task translate --samples 5000000 --seq-len 60 --compute high", "transformer",
      variants={"transformer": "encoder-decoder"},
      source="seed:000 comparison table: Transformer examples, machine translation (English to French)"),
    F("translation-unknown-size", "--data text --task translate", "transformer", top3=("rnn",),
      source="seed:000 comparison table: Transformer examples, machine translation"),
    F("summarise-long", "--data text --task translate --samples 300000 --seq-len 3000 --compute high", "transformer",
      source="seed:000 comparison table: Transformers for sequence-to-sequence tasks and long sequences"),
    F("sentence-embeddings", "--data text --task embed --samples 1000000 --compute medium", "transformer",
      source="seed:001 demo 002: transformer (distilgpt2) embeddings of text"),
    F("text-few-labels", "--data text --task classify --samples 20000 --labeled 0.05 --compute medium", "transformer",
      advice=("semi-supervised",), source="seed:001 demos: embeddings plus label propagation when labels are few"),
    F("log-anomaly-text", "--data text --task anomaly --samples 100000 --labeled 0.0", "autoencoder",
      top3=("transformer",),
      source="seed:000 comparison table: Autoencoder row, anomaly detection from unlabeled data"),
    F("speech-to-text", "--data audio --task translate --samples 1000000 --seq-len 1500 --compute high", "transformer",
      top3=("rnn",),
      source="seed:000 comparison table: RNN examples, speech recognition; Transformers for long sequences"),
    F("keyword-spotting-laptop", "--data audio --task classify --samples 5000 --seq-len 50 --compute low", "rnn",
      variants={"rnn": "gru"}, source="seed:000 comparison table: RNN row, speech and audio with limited compute"),
    F("bird-sounds", "--data audio --task classify --samples 20000 --compute medium", "cnn",
      top3=("rnn", "transformer"), source="seed:001 CNNs in speech recognition; CNNs on spectrograms in practice"),
    F("denoise-speech", "--data audio --task denoise --samples 10000", "rnn", top3=("cnn", "autoencoder"),
      source="seed:000 comparison table: Autoencoder row, denoising; current practice (issue 8): speech enhancement "
             "is recurrent or convolutional - RNNoise (Valin 2018), Conv-TasNet (Luo and Mesgarani 2019), Demucs "
             "(Defossez et al. 2020)"),
    F("stock-forecast", "--data time-series --task forecast --samples 5000 --seq-len 60 --compute low", "rnn",
      source="seed:000 comparison table: RNN examples, time-series forecasting (stock prices)"),
    F("weather-forecast-medium", "--data time-series --task forecast --samples 50000 --seq-len 300 --compute medium",
      "rnn", variants={"rnn": "lstm"},
      source="seed:000 comparison table: RNN examples, weather forecasting; LSTM for long-term dependencies"),
    F("very-long-sensor-series", "--data time-series --task forecast --samples 200000 --seq-len 5000 --compute high",
      "transformer", top3=("rnn",),
      source="seed:000 comparison table: RNN row, for very long sequences Transformers are more effective"),
    F("ecg-classify", "--data time-series --task classify --samples 10000 --seq-len 250 --compute medium", "rnn",
      source="seed:000 comparison table: RNN row, sequential data with temporal dependencies"),
    F("pump-vibration-anomaly", "--data time-series --task anomaly --samples 20000 --labeled 0.0 --compute low",
      "autoencoder", top3=("rnn",),
      source="seed:000 comparison table: Autoencoder examples, anomaly detection in manufacturing sensor data"),
    F("network-traffic-anomaly", "--data time-series --task anomaly --samples 100000 --seq-len 100", "autoencoder",
      top3=("rnn",),
      source="seed:000 comparison table: RNN examples, anomaly detection in network traffic; Autoencoder row, "
             "anomaly detection"),
    F("energy-regression", "--data time-series --task regress --samples 8000 --seq-len 48", "rnn",
      source="seed:003 sequence learning for time-series prediction"),
    F("compress-sensor", "--data time-series --task compress --labeled 0.0", "autoencoder",
      source="seed:000 comparison table: Autoencoder row, dimensionality reduction"),
    F("churn-small-table", "--data tabular --task classify --samples 5000 --compute low", "mlp",
      advice=("gradient-boosted", "gradient-boosted trees"), variants={"mlp": "mlp"},
      source="Grinsztajn et al. 2022: trees beat deep nets on small tabular data; seed:003 ANN general-purpose"),
    F("house-prices", "--data tabular --task regress --samples 20000", "mlp", advice=("gradient-boosted",),
      source="seed:003 ANN general-purpose; gradient-boosted trees are the tabular baseline"),
    F("fraud-big-table", "--data tabular --task classify --samples 5000000 --compute high", "mlp",
      source="seed:003 ANN general-purpose network for structured data"),
    F("tabular-anomaly-unlabeled", "--data tabular --task anomaly --samples 50000 --labeled 0.0", "autoencoder",
      source="seed:000 comparison table: Autoencoder row, anomaly detection, unsupervised"),
    F("tabular-compress", "--data tabular --task compress --samples 10000", "autoencoder",
      source="seed:000 comparison table: Autoencoder row, dimensionality reduction"),
    F("tabular-interpretable", "--data tabular --task classify --samples 2000 --priority interpretability", "mlp",
      advice=("gradient-boosted",), source="common practice: interpretable baselines for small tables"),
    F("demand-forecast-table", "--data time-series --task forecast --samples 100000 --seq-len 365 --compute medium",
      "rnn", top3=("transformer",), source="seed:000 comparison table: RNN examples, time-series forecasting"),
    F("molecule-toxicity", "--data graph --task classify --samples 7000 --compute medium", "gnn",
      source="seed:000 comparison table: GNN examples, molecule property prediction"),
    F("molecule-solubility", "--data graph --task regress --samples 1000", "gnn",
      source="seed:000 comparison table: GNN examples, molecule property prediction in drug discovery"),
    F("social-node-interests", "--data graph --task classify --samples 100000 --labeled 0.1", "gnn",
      source="seed:000 comparison table: GNN examples, node classification in social networks"),
    F("friend-recommendation", "--data graph --task link --samples 2000000 --compute high", "gnn",
      variants={"gnn": "graphsage"},
      source="seed:000 comparison table: GNN examples, link prediction (predicting friendships)"),
    F("knowledge-graph-completion", "--data graph --task link --samples 50000 --compute low", "gnn",
      source="seed:000 comparison table: GNN row, knowledge graphs; link prediction"),
    F("graph-embeddings", "--data graph --task embed --samples 30000", "gnn",
      source="seed:000 comparison table: GNN row, node or graph-level embeddings"),
    F("fraud-ring-anomaly", "--data graph --task anomaly --samples 100000", "gnn", top3=("autoencoder",),
      source="seed:000 comparison table: GNN row, relational data; graph autoencoders for graph anomalies"),
    F("road-network-traffic", "--data graph --task regress --samples 20000 --compute medium", "gnn",
      source="seed:000 comparison table: GNN row, transportation networks"),
    F("action-recognition", "--data video --task classify --samples 10000 --compute medium", "cnn",
      source="seed:000 comparison table: CNN row, video frame analysis"),
    F("video-big-cluster", "--data video --task classify --samples 1000000 --compute high", "transformer",
      top3=("cnn",),
      source="seed:000 comparison table: Transformer row, vision with global context given data and compute"),
    F("cctv-detection", "--data video --task detect --samples 20000 --compute medium --priority speed", "cnn",
      source="seed:001 CNNs for object detection in videos"),
    F("image-caption-retrieval", "--data multimodal --task embed --samples 400000 --compute high", "transformer",
      source="seed:000 comparison table: Transformer row, multimodal inputs"),
    F("visual-question-answering", "--data multimodal --task classify --samples 100000 --compute medium",
      "transformer", source="seed:000 comparison table: Transformer row, multimodal tasks"),
    F("image-captioning", "--data multimodal --task translate --samples 300000 --compute high", "transformer",
      source="seed:000 comparison table: Transformer row, multimodal and sequence generation"),
    # ---- current practice where the seeds are silent or dated (issue 8; was test_scenarios.py, PRACTICE) ------------
    F("few-thousand-texts-one-gpu", "--data text --task classify --samples 3000 --compute medium", "transformer",
      top3=("rnn",), advice=("TF-IDF",), variants={"transformer": "encoder-only"}, pretrained="DistilBERT",
      written="practice",
      source="Sanh et al. 2019 (DistilBERT); fine-tuned pretrained encoders lead text classification at almost any "
             "size"),
    F("few-thousand-texts-laptop", "--data text --task classify --samples 3000 --seq-len 40 --compute low", "rnn",
      top3=("transformer",), advice=("pretrained",), variants={"rnn": "gru"}, written="practice",
      source="seed:000 RNN row: short sequences with limited compute; a GRU stays right on a laptop CPU"),
    F("document-clustering", "--data text --task embed --samples 20000", "transformer", advice=("TF-IDF", "k-means"),
      variants={"transformer": "sentence-encoder"}, pretrained="Sentence-BERT", written="practice",
      source="Reimers and Gurevych 2019 (Sentence-BERT); TF-IDF with k-means as the classical baseline"),
    F("sound-tagging-small", "--data audio --task classify --samples 2000", "cnn", top3=("transformer",),
      advice=("PANNs",), variants={"cnn": "spectrogram-cnn"}, pretrained="PANNs", written="practice",
      source="Kong et al. 2020 (PANNs); Gong et al. 2021 (AST): spectrogram CNNs and audio transformers lead ESC-50"),
    F("speaker-embeddings", "--data audio --task embed --samples 5000", "cnn", top3=("transformer",),
      written="practice",
      source="Snyder et al. 2018 (x-vectors); ECAPA-TDNN (Desplanques et al. 2020): convolutional speaker embeddings"),
    F("realtime-speech-enhancement", "--data audio --task denoise --priority speed", "cnn", top3=("rnn",),
      written="practice",
      source="Valin 2018 (RNNoise); Luo and Mesgarani 2019 (Conv-TasNet); Defossez et al. 2020 (Demucs)"),
    F("small-simple-image-generation", "--data image --task generate --samples 3000", "diffusion",
      top3=("gan", "autoencoder"), variants={"autoencoder": "vae"}, written="practice",
      source="Kingma and Welling 2014 (VAE); Ruiz et al. 2023 (DreamBooth fine-tuning of a pretrained diffusion "
             "model)"),
    F("forecasting-baselines", "--data time-series --task forecast", "rnn", top3=("mlp",),
      advice=("gradient-boosted trees", "seasonal-naive"), variants={"mlp": "forecasting-mlp"}, written="practice",
      source="Oreshkin et al. 2020 (N-BEATS); Zeng et al. 2023 (DLinear); M5 competition (LightGBM)"),
    F("fast-forecast-no-gan", "--data time-series --task forecast --priority speed", "rnn", top3=("cnn",),
      quiet=("gan",), variants={"cnn": "tcn"}, written="practice",
      source="Bai et al. 2018 (TCN); seed:000 GAN row: a GAN's speed is about generation, not forecasting"),
    F("sensor-classification-convolutions", "--data time-series --task classify --samples 5000", "rnn", top3=("cnn",),
      written="practice",
      source="Ismail Fawaz et al. 2019: 1D CNNs (FCN, ResNet, InceptionTime) lead time-series classification"),
    F("image-text-small", "--data multimodal --task classify --samples 2000", "transformer", advice=("CLIP",),
      variants={"transformer": "vision-language"}, pretrained="CLIP", written="practice",
      source="Radford et al. 2021 (CLIP): linear probes on pretrained image-text features"),
    F("music-generation-tokens", "--data audio --task generate", "transformer", top3=("rnn", "diffusion"),
      written="practice",
      source="Huang et al. 2019 (Music Transformer); Copet et al. 2023 (MusicGen); Kong et al. 2021 (DiffWave)"),
    F("recommendation-links-baseline", "--data graph --task link --samples 200000", "gnn", top3=("mlp",),
      advice=("matrix-factorisation",), written="practice",
      source="Rendle et al. 2020 (matrix factorisation revisited); Ferrari Dacrema et al. 2019 (simple baselines)"),
    F("table-outliers-classical", "--data tabular --task anomaly --samples 50000", "autoencoder",
      advice=("Isolation Forest",), written="practice",
      source="Liu, Ting, Zhou 2008 (Isolation Forest); Han et al. 2022 (ADBench)"),
    F("paired-translation-few-pairs", "--data image --task translate --samples 300", "gan", top3=("diffusion",),
      written="practice", source="Isola et al. 2017 (pix2pix learns facades from 400 pairs)"),
    F("handwriting-to-text", "--data image --task translate --set output_kind=text --samples 20000", "cnn",
      top3=("transformer",), not_top=("gan", "diffusion"), written="practice",
      source="CRNN (Shi et al. 2015) and TrOCR (Li et al. 2021): an image read out as text is recognition; the "
             "corpus's OCR, handwriting and image-to-LaTeX threads accept CNN and Transformer, call a GAN a mistake"),
    D("d-scans-to-typed-text", "turn scanned handwritten pages into typed text, about 20k lines", "cnn",
      top3=("transformer",), not_top=("gan",), written="practice",
      source="the same, as a sentence: 'into typed text' says the output is text"),
    D("d-sketches-to-photos", "turn pencil sketches into realistic photos, 10k pairs", "gan", top3=("diffusion",),
      written="practice", source="seed:000 GAN examples, image-to-image translation; the output is a picture"),
    # ---- written from the seeds before reading the rules (was tests/test_heldout_style.py, flags) -------------------
    F("img-huge-highcompute",
      "--data image --task classify --samples 5000000 --labeled 1 --compute high --priority quality", None,
      top3=("cnn", "transformer"),
      source="seed:000 Transformer row 'When it is used': Vision Transformers for image classification; CNN row: "
             "image classification"),
    F("img-detect", "--data image --task detect --samples 5000 --labeled 1 --compute medium", "cnn",
      source="seed:000 CNN row 'Examples': object detection (YOLO, Faster R-CNN)"),
    F("img-classify-interpretable",
      "--data image --task classify --samples 10000 --labeled 1 --compute medium --priority interpretability", "cnn",
      source="seed:000 CNN row: image classification; common practice: saliency maps / Grad-CAM on CNNs"),
    F("img-generate-quality", "--data image --task generate --samples 50000 --compute high --priority quality",
      "diffusion", top3=("gan",),
      source="seed:000 Diffusion row 'preferred over': more diverse and high-quality samples than GANs"),
    F("img-generate-speed", "--data image --task generate --samples 50000 --compute medium --priority speed", "gan",
      top3=("diffusion",),
      source="seed:000 GAN row 'preferred over': better than Diffusion Models for faster generation"),
    F("img-generate-stability", "--data image --task generate --samples 20000 --compute medium --priority stability",
      "diffusion", not_top=("gan",),
      source="seed:000 GAN row 'When not recommended': when stable training is critical (mode collapse)"),
    F("img-generate-unknowns", "--data image --task generate", None, top3=("diffusion", "gan"),
      source="seed:000 GAN and Diffusion rows: image generation"),
    F("img-denoise", "--data image --task denoise --samples 5000 --compute medium", "autoencoder",
      source="seed:000 Autoencoder row 'Examples': image denoising autoencoder"),
    F("img-compress", "--data image --task compress --samples 20000 --labeled 0 --compute medium", "autoencoder",
      source="seed:000 Autoencoder row 'When it is used': dimensionality reduction; compression"),
    F("img-anomaly-unlabeled", "--data image --task anomaly --samples 2000 --labeled 0 --compute low", "autoencoder",
      source="seed:000 Autoencoder row 'When it is used': anomaly detection; unsupervised"),
    F("img-embed-unlabeled", "--data image --task embed --samples 100000 --labeled 0 --compute medium", None,
      top3=("autoencoder", "cnn"),
      source="seed:000 Autoencoder row: representation learning; common practice: pretrained CNN embeddings"),
    F("video-classify", "--data video --task classify --samples 10000 --labeled 1 --compute medium", "cnn",
      source="seed:000 CNN row 'When it is used': video frame analysis; seed:002 video recognition with CNNs"),
    F("video-detect", "--data video --task detect --samples 3000 --compute medium --priority speed", "cnn",
      source="seed:000 CNN row: object detection, video frame analysis"),
    F("video-generate", "--data video --task generate --samples 100000 --compute high --priority quality", "diffusion",
      source="seed:000 Diffusion row 'Examples': video generation or frame interpolation"),
    F("text-classify-large", "--data text --task classify --samples 50000 --labeled 1 --seq-len 512 --compute medium",
      "transformer", source="seed:002 NLP: Transformers (BERT) revolutionised language understanding"),
    F("text-classify-tiny-low", "--data text --task classify --samples 300 --labeled 1 --seq-len 30 --compute low",
      "rnn", not_top=("transformer",),
      source="seed:000 Transformer row 'When not recommended': very small dataset, limited compute; RNN row: short "
             "sequences, limited compute"),
    F("text-translate-large", "--data text --task translate --samples 1000000 --compute high", "transformer",
      variants={"transformer": "encoder-decoder"}, source="seed:000 Transformer row 'Examples': machine translation"),
    F("text-translate-small-low", "--data text --task translate --samples 5000 --compute low", None,
      top3=("transformer", "rnn"),
      source="seed:000 Transformer: translation; seed:003 sequence learning (RNN) lists machine translation; limited "
             "compute"),
    F("text-generate-large", "--data text --task generate --samples 1000000 --compute high", "transformer",
      not_top=("gan", "diffusion"), variants={"transformer": "decoder-only"},
      source="seed:000 Transformer row 'Examples': language modeling and text generation (GPT)"),
    F("text-generate-small", "--data text --task generate --samples 2000 --seq-len 40 --compute low", "rnn",
      top3=("transformer",),
      source="seed:000 RNN row 'Examples': text generation; better than Transformers for short sequences with "
             "limited compute"),
    F("text-embed", "--data text --task embed --samples 100000 --compute medium", "transformer",
      source="seed:000 Transformer row; common practice: sentence-embedding transformers for semantic search"),
    F("text-long-docs", "--data text --task classify --samples 20000 --labeled 1 --seq-len 4000 --compute high",
      "transformer",
      source="seed:000 RNN row 'When not recommended': for very long sequences, Transformers are more effective"),
    F("text-unknowns", "--data text --task classify", None, top3=("transformer", "rnn"),
      source="seed:000 RNN and Transformer rows: text"),
    F("audio-asr-large", "--data audio --task translate --samples 100000 --seq-len 3000 --compute high", "transformer",
      top3=("rnn",),
      source="seed:000 RNN row 'When not recommended': very long sequences -> Transformers; large-scale parallel "
             "training"),
    F("audio-asr-small", "--data audio --task translate --samples 2000 --seq-len 200 --compute low", "rnn",
      source="seed:000 RNN row 'Examples': speech recognition; better than Transformers for short-to-medium "
             "sequences, limited compute"),
    F("audio-classify", "--data audio --task classify --samples 5000 --labeled 1 --seq-len 100 --compute medium", None,
      top3=("rnn", "cnn"), source="seed:000 RNN row: audio; common practice: CNNs on spectrograms"),
    F("audio-denoise", "--data audio --task denoise --samples 5000 --compute medium", None,
      top3=("autoencoder", "rnn", "cnn"),
      source="seed:000 Autoencoder row 'When it is used': denoising; the seeds and current practice disagree: speech "
             "enhancement today is recurrent or convolutional (RNNoise, Conv-TasNet, Demucs)"),
    F("ts-forecast-short-low", "--data time-series --task forecast --samples 1000 --seq-len 50 --compute low", "rnn",
      source="seed:000 RNN row 'Examples': time-series forecasting; short sequences with limited compute"),
    F("ts-forecast-long-high", "--data time-series --task forecast --samples 500000 --seq-len 5000 --compute high",
      "transformer", top3=("rnn",),
      source="seed:000 RNN row 'When not recommended': very long sequences -> Transformers"),
    F("ts-anomaly-unlabeled", "--data time-series --task anomaly --samples 20000 --labeled 0 --compute medium",
      "autoencoder", top3=("rnn",),
      source="seed:000 Autoencoder row 'Examples': anomaly detection in manufacturing sensor data; RNN row: anomaly "
             "detection in sequences"),
    F("ts-classify", "--data time-series --task classify --samples 3000 --labeled 1 --seq-len 256 --compute medium",
      "rnn", source="seed:000 RNN row 'When it is used': sensor readings, time series"),
    F("ts-regress", "--data time-series --task regress --samples 4000 --labeled 1 --seq-len 100 --compute low", "rnn",
      source="seed:000 RNN row: sequential data; limited compute"),
    F("ts-compress", "--data time-series --task compress --samples 50000 --labeled 0 --compute medium", "autoencoder",
      source="seed:000 Autoencoder row: compression, dimensionality reduction"),
    F("tab-classify-small", "--data tabular --task classify --samples 5000 --labeled 1 --compute low", "mlp",
      source="seed:003 ANN: general-purpose networks; common practice: gradient-boosted trees usually win on small "
             "tables"),
    F("tab-regress-interpretable",
      "--data tabular --task regress --samples 800 --labeled 1 --compute low --priority interpretability", "mlp",
      source="seed:003 ANN general-purpose; common practice: interpretable baselines (trees, linear) first"),
    F("tab-classify-large-high", "--data tabular --task classify --samples 2000000 --labeled 1 --compute high", "mlp",
      source="seed:003 ANN general-purpose for rows of features; no sequence, grid or graph structure"),
    F("tab-anomaly", "--data tabular --task anomaly --samples 100000 --labeled 0 --compute medium", "autoencoder",
      source="seed:000 Autoencoder row: anomaly detection, unsupervised"),
    F("tab-compress", "--data tabular --task compress --samples 10000 --labeled 0", "autoencoder",
      source="seed:000 Autoencoder row: dimensionality reduction"),
    F("tab-generate", "--data tabular --task generate --samples 20000 --compute medium", None, top3=("gan",),
      source="seed:000 GAN row: data generation and augmentation; common practice: CTGAN for synthetic rows"),
    F("graph-node-classify", "--data graph --task classify --samples 2700 --labeled 0.05 --compute low", "gnn",
      source="seed:000 GNN row 'Examples': node classification in social networks"),
    F("graph-molecule-regress", "--data graph --task regress --samples 50000 --labeled 1 --compute medium", "gnn",
      source="seed:000 GNN row 'Examples': molecule property prediction"),
    F("graph-link", "--data graph --task link --samples 1000000 --compute high", "gnn",
      source="seed:000 GNN row 'Examples': link prediction for recommendation systems"),
    F("graph-embed", "--data graph --task embed --samples 10000 --compute medium", "gnn",
      source="seed:000 GNN row 'What it is': node, edge, or graph-level embeddings"),
    F("graph-anomaly", "--data graph --task anomaly --samples 10000 --labeled 0 --compute medium", None,
      top3=("gnn", "autoencoder"),
      source="seed:000 GNN row: relational data; Autoencoder row: anomaly detection (graph autoencoders)"),
    F("mm-text-to-image", "--data multimodal --task generate --samples 1000000 --compute high --priority quality",
      "diffusion", top3=("transformer",),
      source="seed:000 Diffusion row 'Examples': text-to-image generation (Stable Diffusion)"),
    F("mm-classify", "--data multimodal --task classify --samples 50000 --labeled 1 --compute medium", "transformer",
      source="seed:000 Transformer row 'When it is used': multimodal inputs"),
    F("text-compress-at-scale", "--data text --task compress --samples 3000000 --seq-len 4000 --compute high",
      "autoencoder",
      source="seed:000 Autoencoder row 'preferred over': better than Transformers when the goal is compression"),
    F("ts-anomaly-laptop", "--data time-series --task anomaly --samples 5000 --seq-len 60 --compute low",
      "autoencoder", top3=("rnn",),
      source="seed:000 Autoencoder row 'Examples': anomaly detection in manufacturing sensor data"),
    F("ts-denoise-laptop", "--data time-series --task denoise --samples 5000 --seq-len 60 --compute low",
      "autoencoder", source="seed:000 Autoencoder row 'When it is used': denoising"),
    F("video-generate-at-scale", "--data video --task generate --samples 3000000 --seq-len 600 --compute high",
      "diffusion", not_top=("transformer",), source="seed:000 Diffusion row 'Examples': video generation"),
    F("video-generate-short-laptop", "--data video --task generate --samples 5000 --seq-len 30 --compute low", None,
      top3=("gan", "diffusion"), not_top=("rnn",),
      source="seed:000 GAN and Diffusion rows: generation; RNN row: not for generative image tasks"),
    F("mm-classify-small-laptop", "--data multimodal --task classify --samples 500 --compute low", "transformer",
      advice=("CLIP",),
      source="seed:000 Transformer row: multimodal inputs; seed:003 transfer learning for small data (pretrained "
             "CLIP)"),
    F("graph-embed-unlabeled-stable", "--data graph --task embed --samples 50000 --labeled 0 --priority stability",
      "gnn", source="seed:000 GNN row 'What it is': node, edge, or graph-level embeddings"),
    F("mm-caption", "--data multimodal --task translate --samples 100000 --compute high", "transformer",
      source="seed:000 Transformer row: multimodal tasks; common practice: encoder-decoder captioning"),
    # ---- the same, as a sentence for --describe (was test_heldout_style.py) -----------------------------------------
    D("d-plants-2k",
      "I have about 2k photos of plants, only 15% are labelled, and I only have my laptop. I want to identify the species.",
      "cnn", source="seed:000 CNN row: small image datasets; seed:003 transfer learning"),
    D("d-reviews-1.2m", "1.2 million product reviews, we want sentiment classification and we have a GPU cluster",
      "transformer", source="seed:002 NLP: Transformers (BERT) for sentiment at scale"),
    D("d-tweets-few-hundred", "a few hundred tweets, classify them as spam or not, CPU only", "rnn",
      not_top=("transformer",),
      source="seed:000 Transformer row 'When not recommended': very small dataset, limited compute"),
    D("d-translate-emails", "Translate customer support emails from English to German, 500k sentence pairs, 4 GPUs",
      "transformer", source="seed:000 Transformer row 'Examples': machine translation"),
    D("d-callcenter", "about 3000 call-center recordings that we need to transcribe, one GPU", None,
      top3=("rnn", "transformer"),
      source="seed:000 RNN row 'Examples': speech recognition; Transformer row: sequences"),
    D("d-load-forecast",
      "Forecast electricity load for the next day from hourly smart meter readings, 5 years of data, on a laptop",
      "rnn", source="seed:000 RNN row 'Examples': time-series forecasting; limited compute"),
    D("d-stock", "daily stock prices for 500 tickers, predict tomorrow's closing price", "rnn",
      source="seed:000 RNN row 'Examples': time-series forecasting (stock prices)"),
    D("d-machine-logs", "machine logs from our servers, no labels, want to flag unusual behaviour", "autoencoder",
      source="seed:000 Autoencoder row: anomaly detection; unsupervised"),
    D("d-customer-table", "customer table with 8,000 rows and 30 columns, predict churn", "mlp",
      source="seed:003 ANN general-purpose; common practice: gradient-boosted trees for tables"),
    D("d-loans-explainable",
      "small spreadsheet of 600 loan applications, predict default, it has to be explainable to the regulator", "mlp",
      source="seed:003 ANN general-purpose; interpretability priority"),
    D("d-protein-graphs", "protein graphs, about 1,100 of them, predict whether each one is an enzyme", "gnn",
      source="seed:000 GNN row: molecular structures, graph-level prediction"),
    D("d-citation", "citation network with 2708 papers, only 140 are labelled, classify the topic of each paper",
      "gnn", source="seed:000 GNN row 'Examples': node classification"),
    D("d-molecules", "250k molecules, predict solubility, single GPU", "gnn",
      source="seed:000 GNN row 'Examples': molecule property prediction"),
    D("d-satellite-seg", "40k satellite images, segment roads and buildings, one GPU", "cnn",
      source="seed:000 CNN row: segmentation"),
    D("d-faces-quality",
      "Generate photorealistic faces; we have 70k face images, lots of GPUs, and quality matters most", "diffusion",
      top3=("gan",), source="seed:000 Diffusion row: higher fidelity than GANs"),
    D("d-game-sprites-fast", "generate new game characters in real time, we have 30k sprite images", "gan",
      top3=("diffusion",), source="seed:000 GAN row: faster generation than diffusion"),
    D("d-gan-collapse",
      "we need to generate product images but our GAN training kept hitting mode collapse, we want something stable",
      "diffusion", not_top=("gan",), source="seed:000 GAN row 'When not recommended': stable training critical"),
    D("d-old-photos", "remove the noise from old scanned photos", "autoencoder",
      source="seed:000 Autoencoder row 'Examples': image denoising"),
    D("d-iot-compress", "compress sensor readings from IoT devices into a compact code, none of it is labeled",
      "autoencoder", source="seed:000 Autoencoder row: compression"),
    D("d-defects",
      "spot defects on a production line from camera images; nothing is labeled, we only have pictures of good parts",
      "autoencoder", source="seed:000 Autoencoder row: anomaly detection, unsupervised"),
    D("d-captions", "caption images automatically, we have 100k image-caption pairs and a GPU", "transformer",
      source="seed:000 Transformer row: multimodal inputs"),
    D("d-text-to-image", "text-to-image generation with a big budget", "diffusion", top3=("transformer",),
      source="seed:000 Diffusion row 'Examples': text-to-image (Stable Diffusion)"),
    D("d-exercise-videos", "5k video clips of people exercising, recognise the action, one GPU", "cnn",
      source="seed:000 CNN row: video frame analysis"),
    D("d-dashcam", "count cars in dashcam footage in real time", "cnn", source="seed:000 CNN row: object detection"),
    D("d-bird-calls", "classify bird calls, 1,500 recordings, half of them labelled, laptop", None,
      top3=("rnn", "cnn"), source="seed:000 RNN row: audio; common practice: CNN on spectrograms"),
    D("d-contracts-long", "20k legal contracts, around 10,000 tokens each, classify clause types, several GPUs",
      "transformer", source="seed:000 RNN row 'When not recommended': very long sequences -> Transformers"),
    D("d-chatbot", "build a chatbot for our website from 2 million conversation turns, we have a cluster",
      "transformer", not_top=("gan", "diffusion"), source="seed:000 Transformer row: text generation (GPT)"),
    D("d-user-item", "recommend products to users: predict missing links in a user-item graph with 3 million edges",
      "gnn", source="seed:000 GNN row 'Examples': link prediction for recommendation systems"),
    D("d-friends", "predict which users will become friends in our social network", "gnn",
      source="seed:000 GNN row 'Examples': predicting friendships"),
    D("d-house-prices", "house prices dataset, 1,460 rows, predict the sale price", "mlp",
      source="seed:003 ANN general-purpose; common practice: gradient-boosted trees on small tables"),
    D("d-wearable",
      "accelerometer data from a wearable, recognise walking, running or sitting; 12k windows of 128 steps, runs on a phone",
      "rnn", source="seed:000 RNN row: sensor readings; short sequences, limited compute"),
    D("d-mri-200", "MRI scans, 200 of them, outline the tumours", "cnn",
      source="seed:000 CNN row 'Examples': medical image segmentation (tumours in MRI)"),
    D("d-summarize", "summarize news articles, 300k articles, 8 GPUs", "transformer",
      source="seed:002 NLP: Transformers for summarization tools"),
    D("d-ecg-anomaly", "ECG recordings, mostly unlabeled, find abnormal heartbeats", "autoencoder", top3=("rnn",),
      source="seed:000 Autoencoder row: anomaly detection; RNN row: anomaly detection in sequences"),
    D("d-kg-completion", "knowledge graph completion for a drug database", "gnn",
      source="seed:000 GNN row: knowledge graphs, link prediction"),
    D("d-superres-fast", "super-resolution for satellite images, it needs to be fast", "gan",
      source="seed:000 GAN row: super-resolution; faster than diffusion"),
    D("d-sketch-photo", "turn sketches into photos", "gan", top3=("diffusion",),
      source="seed:000 GAN row 'Examples': converting sketches to photos"),
    D("d-50-parts", "only 50 pictures of rare parts, classify good vs bad, no gpu", "cnn", not_top=("transformer",),
      source="seed:003 transfer learning when the dataset is small"),
    D("d-podcasts", "speech recognition on hour-long podcasts, 1.2 million utterances, many GPUs", "transformer",
      source="seed:000 RNN row 'When not recommended': large-scale parallel training -> Transformers"),
    D("d-video-gen", "generate short video clips with high fidelity", "diffusion",
      source="seed:000 Diffusion row 'Examples': video generation"),
    D("d-weather-long", "weather sensor sequences of 10000 steps, forecast the next day, we have a GPU cluster",
      "transformer", top3=("rnn",), source="seed:000 RNN row: very long sequences -> Transformers"),
    D("d-intrusions", "network traffic logs, detect intrusions, we have no labels", "autoencoder",
      source="seed:000 Autoencoder row: anomaly detection"),
    D("d-reviews-photos", "product reviews together with their photos, predict the star rating", "transformer",
      source="seed:000 Transformer row: multimodal inputs"),
    D("d-eeg", "EEG recordings, 3000 windows of 512 samples each, classify sleep stages, one GPU", "rnn",
      source="seed:000 RNN row: sensor readings, time series"),
    # ---- the rest of the answer: variant and advice (was test_heldout_style.py, ANSWER_QUALITY) ---------------------
    F("answer-image-generate-50000", "--data image --task generate --samples 50000 --compute medium", None,
      advice=("GAN samples fast", "fidelity"), variants={"diffusion": "latent"}, written="answer",
      source="the rest of the answer, pinned: the variant in knowledge/families/diffusion.yaml and the advice rules "
             "in knowledge/rules.yaml"),
    F("answer-text-classify-300", "--data text --task classify --samples 300 --seq-len 30 --compute low", None,
      advice=("pretrained", "need a lot of data"), variants={"rnn": "gru"}, written="answer",
      source="the rest of the answer, pinned: the variant in knowledge/families/rnn.yaml and the advice rules in "
             "knowledge/rules.yaml"),
    F("answer-time-series-forecast-100000",
      "--data time-series --task forecast --samples 100000 --seq-len 800 --compute medium", None,
      variants={"rnn": "lstm"}, written="answer",
      source="the rest of the answer, pinned: the variant in knowledge/families/rnn.yaml"),
    F("answer-multimodal-generate-1000000", "--data multimodal --task generate --samples 1000000 --compute medium",
      None, variants={"diffusion": "latent"}, written="answer",
      source="the rest of the answer, pinned: the variant in knowledge/families/diffusion.yaml"),
    F("answer-image-generate-3000",
      "--data image --task generate --samples 3000 --compute medium --priority stability", None,
      advice=("need a lot of data",), variants={"autoencoder": "vae"}, written="answer",
      source="the rest of the answer, pinned: the variant in knowledge/families/autoencoder.yaml and the advice "
             "rules in knowledge/rules.yaml"),
]

FLAG_CASES = [c for c in CASES if not isinstance(c.given, str)]
LEADING_SAMPLE = [c for c in FLAG_CASES if c.top][::9]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_regression_case(cli, case):
    result = cli(*case.args())
    assert result.code == 0, result.stderr
    document = result.json()
    recommendations = {r["id"]: r for r in document["recommendations"]}
    ranked = [r["id"] for r in document["recommendations"] if not r["excluded"]]
    seen = f"{case.id}: ranked {ranked[:4]} ({case.source}); {result.stderr.strip()}"
    if case.top:
        assert ranked[0] == case.top, seen
    assert set(case.top3) <= set(ranked[:3]), seen
    assert ranked[0] not in case.not_top, seen
    assert {family: recommendations[family]["variant"] for family in case.variants} == case.variants, seen
    if case.pretrained:
        assert case.pretrained in recommendations[case.top]["pretrained"], seen
        assert "pretrained-route" in [r["id"] for r in recommendations[case.top]["rules"]], seen
    for family in case.quiet:
        assert not recommendations[family]["reasons"], f"{seen}: a rule raised {family}: {recommendations[family]['rules']}"
    advice = " ".join(a if isinstance(a, str) else str(a) for a in document["advice"])
    for words in case.advice:
        assert words in advice, f"{seen}: no advice with {words!r}: {advice}"


@pytest.mark.parametrize("case", LEADING_SAMPLE, ids=[c.id for c in LEADING_SAMPLE])
def test_regression_case_through_python_m_dlguide(case):
    run = subprocess.run([sys.executable, "-m", "dlguide", *case.args()],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["recommendations"][0]["id"] == case.top


def _number(value: str) -> float | str:
    try:
        return float(value)  # "--labeled 1" and "--labeled 1.0" give the same answer
    except ValueError:
        return value


def test_table_is_broad_cited_and_without_duplicates():
    from dlguide.catalogue import kb as knowledge

    kb = knowledge.load(None)
    assert len(CASES) >= 180
    assert all(c.source for c in CASES)
    assert {c.written for c in CASES} == {"seeds", "practice", "answer"}
    assert len({c.id for c in CASES}) == len(CASES)
    given = [tuple(sorted((flag, _number(value)) for flag, value in zip(c.given[::2], c.given[1::2])))
             if c in FLAG_CASES else c.given for c in CASES]
    assert len(set(given)) == len(given), "two cases give the same flags: make them one case"
    leaders = {c.top for c in CASES if c.top} | {f for c in CASES for f in c.top3}
    assert leaders == set(kb.families)
    flags = [dict(zip(c.given[::2], c.given[1::2])) for c in FLAG_CASES]
    for question in ("data", "task"):
        assert {f[f"--{question}"] for f in flags} == set(kb.questions[question].choice_ids())
