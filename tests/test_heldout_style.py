"""Held-out-style cases for `dlguide recommend`, written from the seeds before reading the rules.

Each case is what a user would give - flags, or a sentence for ``--describe`` - and what a careful
practitioner reading the seeds would answer: the family that should lead and the families that must
not fall below third. Where reasonable experts disagree the case names no leader and only asks for the
contenders in the top three. Every case cites the seed row or the common practice it rests on. They run
through the real command (``recommend ... --json``), in this process for speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass(frozen=True)
class Case:
    id: str
    given: tuple[str, ...] | str  # flags, or a sentence for --describe
    top: str | None  # the family that must lead, or None where experts disagree
    top3: tuple[str, ...] = ()  # families that must rank first, second or third
    not_top: tuple[str, ...] = ()  # families that must not lead
    source: str = ""
    extra: dict = field(default_factory=dict, hash=False)


def F(id, flags, top, top3=(), not_top=(), source=""):
    return Case(id, tuple(flags.split()), top, tuple(top3), tuple(not_top), source)


def D(id, text, top, top3=(), not_top=(), source=""):
    return Case(id, text, top, tuple(top3), tuple(not_top), source)


FLAG_CASES = [
    # --- images ---
    F("img-small-lowcompute", "--data image --task classify --samples 800 --labeled 0.1 --compute low", "cnn",
      source="seed:000 CNN row 'preferred over': better than Transformers for smaller image datasets where compute matters; seed:003 transfer learning"),
    F("img-huge-highcompute", "--data image --task classify --samples 5000000 --labeled 1 --compute high --priority quality",
      None, ("cnn", "transformer"),
      source="seed:000 Transformer row 'When it is used': Vision Transformers for image classification; CNN row: image classification"),
    F("img-detect", "--data image --task detect --samples 5000 --labeled 1 --compute medium", "cnn",
      source="seed:000 CNN row 'Examples': object detection (YOLO, Faster R-CNN)"),
    F("img-segment-small", "--data image --task segment --samples 300 --labeled 1 --compute medium", "cnn",
      source="seed:000 CNN row 'Examples': medical image segmentation"),
    F("img-classify-interpretable", "--data image --task classify --samples 10000 --labeled 1 --compute medium --priority interpretability",
      "cnn", source="seed:000 CNN row: image classification; common practice: saliency maps / Grad-CAM on CNNs"),
    F("img-classify-unknowns", "--data image --task classify", "cnn",
      source="seed:000 CNN row 'When it is used': image recognition"),
    F("img-generate-quality", "--data image --task generate --samples 50000 --compute high --priority quality", "diffusion", ("gan",),
      source="seed:000 Diffusion row 'preferred over': more diverse and high-quality samples than GANs"),
    F("img-generate-speed", "--data image --task generate --samples 50000 --compute medium --priority speed", "gan", ("diffusion",),
      source="seed:000 GAN row 'preferred over': better than Diffusion Models for faster generation"),
    F("img-generate-stability", "--data image --task generate --samples 20000 --compute medium --priority stability", "diffusion",
      not_top=("gan",), source="seed:000 GAN row 'When not recommended': when stable training is critical (mode collapse)"),
    F("img-generate-unknowns", "--data image --task generate", None, ("diffusion", "gan"),
      source="seed:000 GAN and Diffusion rows: image generation"),
    F("img-translate", "--data image --task translate --samples 10000 --compute medium", "gan", ("diffusion",),
      source="seed:000 GAN row 'Examples': image-to-image translation, sketches to photos"),
    F("img-denoise", "--data image --task denoise --samples 5000 --compute medium", "autoencoder",
      source="seed:000 Autoencoder row 'Examples': image denoising autoencoder"),
    F("img-compress", "--data image --task compress --samples 20000 --labeled 0 --compute medium", "autoencoder",
      source="seed:000 Autoencoder row 'When it is used': dimensionality reduction; compression"),
    F("img-anomaly-unlabeled", "--data image --task anomaly --samples 2000 --labeled 0 --compute low", "autoencoder",
      source="seed:000 Autoencoder row 'When it is used': anomaly detection; unsupervised"),
    F("img-embed-unlabeled", "--data image --task embed --samples 100000 --labeled 0 --compute medium", None, ("autoencoder", "cnn"),
      source="seed:000 Autoencoder row: representation learning; common practice: pretrained CNN embeddings"),
    # --- video ---
    F("video-classify", "--data video --task classify --samples 10000 --labeled 1 --compute medium", "cnn",
      source="seed:000 CNN row 'When it is used': video frame analysis; seed:002 video recognition with CNNs"),
    F("video-detect", "--data video --task detect --samples 3000 --compute medium --priority speed", "cnn",
      source="seed:000 CNN row: object detection, video frame analysis"),
    F("video-generate", "--data video --task generate --samples 100000 --compute high --priority quality", "diffusion",
      source="seed:000 Diffusion row 'Examples': video generation or frame interpolation"),
    # --- text ---
    F("text-classify-large", "--data text --task classify --samples 50000 --labeled 1 --seq-len 512 --compute medium", "transformer",
      source="seed:002 NLP: Transformers (BERT) revolutionised language understanding"),
    F("text-classify-tiny-low", "--data text --task classify --samples 300 --labeled 1 --seq-len 30 --compute low", "rnn",
      not_top=("transformer",),
      source="seed:000 Transformer row 'When not recommended': very small dataset, limited compute; RNN row: short sequences, limited compute"),
    F("text-translate-large", "--data text --task translate --samples 1000000 --compute high", "transformer",
      source="seed:000 Transformer row 'Examples': machine translation"),
    F("text-translate-small-low", "--data text --task translate --samples 5000 --compute low", None, ("transformer", "rnn"),
      source="seed:000 Transformer: translation; seed:003 sequence learning (RNN) lists machine translation; limited compute"),
    F("text-generate-large", "--data text --task generate --samples 1000000 --compute high", "transformer",
      not_top=("gan", "diffusion"),
      source="seed:000 Transformer row 'Examples': language modeling and text generation (GPT)"),
    F("text-generate-small", "--data text --task generate --samples 2000 --seq-len 40 --compute low", "rnn", ("transformer",),
      source="seed:000 RNN row 'Examples': text generation; better than Transformers for short sequences with limited compute"),
    F("text-embed", "--data text --task embed --samples 100000 --compute medium", "transformer",
      source="seed:000 Transformer row; common practice: sentence-embedding transformers for semantic search"),
    F("text-long-docs", "--data text --task classify --samples 20000 --labeled 1 --seq-len 4000 --compute high", "transformer",
      source="seed:000 RNN row 'When not recommended': for very long sequences, Transformers are more effective"),
    F("text-unknowns", "--data text --task classify", None, ("transformer", "rnn"),
      source="seed:000 RNN and Transformer rows: text"),
    # --- audio ---
    F("audio-asr-large", "--data audio --task translate --samples 100000 --seq-len 3000 --compute high", "transformer", ("rnn",),
      source="seed:000 RNN row 'When not recommended': very long sequences -> Transformers; large-scale parallel training"),
    F("audio-asr-small", "--data audio --task translate --samples 2000 --seq-len 200 --compute low", "rnn",
      source="seed:000 RNN row 'Examples': speech recognition; better than Transformers for short-to-medium sequences, limited compute"),
    F("audio-classify", "--data audio --task classify --samples 5000 --labeled 1 --seq-len 100 --compute medium", None, ("rnn", "cnn"),
      source="seed:000 RNN row: audio; common practice: CNNs on spectrograms"),
    F("audio-denoise", "--data audio --task denoise --samples 5000 --compute medium", None, ("autoencoder", "rnn", "cnn"),
      source="seed:000 Autoencoder row 'When it is used': denoising; the seeds and current practice disagree: speech "
             "enhancement today is recurrent or convolutional (RNNoise, Conv-TasNet, Demucs)"),
    # --- time series ---
    F("ts-forecast-short-low", "--data time-series --task forecast --samples 1000 --seq-len 50 --compute low", "rnn",
      source="seed:000 RNN row 'Examples': time-series forecasting; short sequences with limited compute"),
    F("ts-forecast-long-high", "--data time-series --task forecast --samples 500000 --seq-len 5000 --compute high", "transformer", ("rnn",),
      source="seed:000 RNN row 'When not recommended': very long sequences -> Transformers"),
    F("ts-anomaly-unlabeled", "--data time-series --task anomaly --samples 20000 --labeled 0 --compute medium", "autoencoder", ("rnn",),
      source="seed:000 Autoencoder row 'Examples': anomaly detection in manufacturing sensor data; RNN row: anomaly detection in sequences"),
    F("ts-classify", "--data time-series --task classify --samples 3000 --labeled 1 --seq-len 256 --compute medium", "rnn",
      source="seed:000 RNN row 'When it is used': sensor readings, time series"),
    F("ts-regress", "--data time-series --task regress --samples 4000 --labeled 1 --seq-len 100 --compute low", "rnn",
      source="seed:000 RNN row: sequential data; limited compute"),
    F("ts-compress", "--data time-series --task compress --samples 50000 --labeled 0 --compute medium", "autoencoder",
      source="seed:000 Autoencoder row: compression, dimensionality reduction"),
    # --- tabular ---
    F("tab-classify-small", "--data tabular --task classify --samples 5000 --labeled 1 --compute low", "mlp",
      source="seed:003 ANN: general-purpose networks; common practice: gradient-boosted trees usually win on small tables"),
    F("tab-regress-interpretable", "--data tabular --task regress --samples 800 --labeled 1 --compute low --priority interpretability", "mlp",
      source="seed:003 ANN general-purpose; common practice: interpretable baselines (trees, linear) first"),
    F("tab-classify-large-high", "--data tabular --task classify --samples 2000000 --labeled 1 --compute high", "mlp",
      source="seed:003 ANN general-purpose for rows of features; no sequence, grid or graph structure"),
    F("tab-anomaly", "--data tabular --task anomaly --samples 100000 --labeled 0 --compute medium", "autoencoder",
      source="seed:000 Autoencoder row: anomaly detection, unsupervised"),
    F("tab-compress", "--data tabular --task compress --samples 10000 --labeled 0", "autoencoder",
      source="seed:000 Autoencoder row: dimensionality reduction"),
    F("tab-generate", "--data tabular --task generate --samples 20000 --compute medium", None, ("gan",),
      source="seed:000 GAN row: data generation and augmentation; common practice: CTGAN for synthetic rows"),
    # --- graph ---
    F("graph-node-classify", "--data graph --task classify --samples 2700 --labeled 0.05 --compute low", "gnn",
      source="seed:000 GNN row 'Examples': node classification in social networks"),
    F("graph-molecule-regress", "--data graph --task regress --samples 50000 --labeled 1 --compute medium", "gnn",
      source="seed:000 GNN row 'Examples': molecule property prediction"),
    F("graph-link", "--data graph --task link --samples 1000000 --compute high", "gnn",
      source="seed:000 GNN row 'Examples': link prediction for recommendation systems"),
    F("graph-embed", "--data graph --task embed --samples 10000 --compute medium", "gnn",
      source="seed:000 GNN row 'What it is': node, edge, or graph-level embeddings"),
    F("graph-anomaly", "--data graph --task anomaly --samples 10000 --labeled 0 --compute medium", None, ("gnn", "autoencoder"),
      source="seed:000 GNN row: relational data; Autoencoder row: anomaly detection (graph autoencoders)"),
    # --- multimodal ---
    F("mm-text-to-image", "--data multimodal --task generate --samples 1000000 --compute high --priority quality", "diffusion", ("transformer",),
      source="seed:000 Diffusion row 'Examples': text-to-image generation (Stable Diffusion)"),
    F("mm-classify", "--data multimodal --task classify --samples 50000 --labeled 1 --compute medium", "transformer",
      source="seed:000 Transformer row 'When it is used': multimodal inputs"),
    # --- scale must not hand the transformer tasks that other families own ---
    F("text-compress-at-scale", "--data text --task compress --samples 3000000 --seq-len 4000 --compute high", "autoencoder",
      source="seed:000 Autoencoder row 'preferred over': better than Transformers when the goal is compression"),
    F("ts-anomaly-laptop", "--data time-series --task anomaly --samples 5000 --seq-len 60 --compute low", "autoencoder", ("rnn",),
      source="seed:000 Autoencoder row 'Examples': anomaly detection in manufacturing sensor data"),
    F("ts-denoise-laptop", "--data time-series --task denoise --samples 5000 --seq-len 60 --compute low", "autoencoder",
      source="seed:000 Autoencoder row 'When it is used': denoising"),
    F("video-generate-at-scale", "--data video --task generate --samples 3000000 --seq-len 600 --compute high", "diffusion",
      not_top=("transformer",), source="seed:000 Diffusion row 'Examples': video generation"),
    F("video-generate-short-laptop", "--data video --task generate --samples 5000 --seq-len 30 --compute low", None, ("gan", "diffusion"),
      not_top=("rnn",), source="seed:000 GAN and Diffusion rows: generation; RNN row: not for generative image tasks"),
    F("mm-classify-small-laptop", "--data multimodal --task classify --samples 500 --compute low", "transformer",
      source="seed:000 Transformer row: multimodal inputs; seed:003 transfer learning for small data (pretrained CLIP)"),
    F("graph-embed-unlabeled-stable", "--data graph --task embed --samples 50000 --labeled 0 --priority stability", "gnn",
      source="seed:000 GNN row 'What it is': node, edge, or graph-level embeddings"),
    F("mm-caption", "--data multimodal --task translate --samples 100000 --compute high", "transformer",
      source="seed:000 Transformer row: multimodal tasks; common practice: encoder-decoder captioning"),
]


DESCRIBE_CASES = [
    D("d-plants-2k", "I have about 2k photos of plants, only 15% are labelled, and I only have my laptop. I want to identify the species.",
      "cnn", source="seed:000 CNN row: small image datasets; seed:003 transfer learning"),
    D("d-reviews-1.2m", "1.2 million product reviews, we want sentiment classification and we have a GPU cluster",
      "transformer", source="seed:002 NLP: Transformers (BERT) for sentiment at scale"),
    D("d-tweets-few-hundred", "a few hundred tweets, classify them as spam or not, CPU only",
      "rnn", not_top=("transformer",),
      source="seed:000 Transformer row 'When not recommended': very small dataset, limited compute"),
    D("d-translate-emails", "Translate customer support emails from English to German, 500k sentence pairs, 4 GPUs",
      "transformer", source="seed:000 Transformer row 'Examples': machine translation"),
    D("d-callcenter", "about 3000 call-center recordings that we need to transcribe, one GPU",
      None, ("rnn", "transformer"), source="seed:000 RNN row 'Examples': speech recognition; Transformer row: sequences"),
    D("d-load-forecast", "Forecast electricity load for the next day from hourly smart meter readings, 5 years of data, on a laptop",
      "rnn", source="seed:000 RNN row 'Examples': time-series forecasting; limited compute"),
    D("d-stock", "daily stock prices for 500 tickers, predict tomorrow's closing price",
      "rnn", source="seed:000 RNN row 'Examples': time-series forecasting (stock prices)"),
    D("d-machine-logs", "machine logs from our servers, no labels, want to flag unusual behaviour",
      "autoencoder", source="seed:000 Autoencoder row: anomaly detection; unsupervised"),
    D("d-customer-table", "customer table with 8,000 rows and 30 columns, predict churn",
      "mlp", source="seed:003 ANN general-purpose; common practice: gradient-boosted trees for tables"),
    D("d-loans-explainable", "small spreadsheet of 600 loan applications, predict default, it has to be explainable to the regulator",
      "mlp", source="seed:003 ANN general-purpose; interpretability priority"),
    D("d-protein-graphs", "protein graphs, about 1,100 of them, predict whether each one is an enzyme",
      "gnn", source="seed:000 GNN row: molecular structures, graph-level prediction"),
    D("d-citation", "citation network with 2708 papers, only 140 are labelled, classify the topic of each paper",
      "gnn", source="seed:000 GNN row 'Examples': node classification"),
    D("d-molecules", "250k molecules, predict solubility, single GPU",
      "gnn", source="seed:000 GNN row 'Examples': molecule property prediction"),
    D("d-satellite-seg", "40k satellite images, segment roads and buildings, one GPU",
      "cnn", source="seed:000 CNN row: segmentation"),
    D("d-faces-quality", "Generate photorealistic faces; we have 70k face images, lots of GPUs, and quality matters most",
      "diffusion", ("gan",), source="seed:000 Diffusion row: higher fidelity than GANs"),
    D("d-game-sprites-fast", "generate new game characters in real time, we have 30k sprite images",
      "gan", ("diffusion",), source="seed:000 GAN row: faster generation than diffusion"),
    D("d-gan-collapse", "we need to generate product images but our GAN training kept hitting mode collapse, we want something stable",
      "diffusion", not_top=("gan",), source="seed:000 GAN row 'When not recommended': stable training critical"),
    D("d-old-photos", "remove the noise from old scanned photos",
      "autoencoder", source="seed:000 Autoencoder row 'Examples': image denoising"),
    D("d-iot-compress", "compress sensor readings from IoT devices into a compact code, none of it is labeled",
      "autoencoder", source="seed:000 Autoencoder row: compression"),
    D("d-defects", "spot defects on a production line from camera images; nothing is labeled, we only have pictures of good parts",
      "autoencoder", source="seed:000 Autoencoder row: anomaly detection, unsupervised"),
    D("d-captions", "caption images automatically, we have 100k image-caption pairs and a GPU",
      "transformer", source="seed:000 Transformer row: multimodal inputs"),
    D("d-text-to-image", "text-to-image generation with a big budget",
      "diffusion", ("transformer",), source="seed:000 Diffusion row 'Examples': text-to-image (Stable Diffusion)"),
    D("d-exercise-videos", "5k video clips of people exercising, recognise the action, one GPU",
      "cnn", source="seed:000 CNN row: video frame analysis"),
    D("d-dashcam", "count cars in dashcam footage in real time",
      "cnn", source="seed:000 CNN row: object detection"),
    D("d-bird-calls", "classify bird calls, 1,500 recordings, half of them labelled, laptop",
      None, ("rnn", "cnn"), source="seed:000 RNN row: audio; common practice: CNN on spectrograms"),
    D("d-contracts-long", "20k legal contracts, around 10,000 tokens each, classify clause types, several GPUs",
      "transformer", source="seed:000 RNN row 'When not recommended': very long sequences -> Transformers"),
    D("d-chatbot", "build a chatbot for our website from 2 million conversation turns, we have a cluster",
      "transformer", not_top=("gan", "diffusion"), source="seed:000 Transformer row: text generation (GPT)"),
    D("d-user-item", "recommend products to users: predict missing links in a user-item graph with 3 million edges",
      "gnn", source="seed:000 GNN row 'Examples': link prediction for recommendation systems"),
    D("d-friends", "predict which users will become friends in our social network",
      "gnn", source="seed:000 GNN row 'Examples': predicting friendships"),
    D("d-house-prices", "house prices dataset, 1,460 rows, predict the sale price",
      "mlp", source="seed:003 ANN general-purpose; common practice: gradient-boosted trees on small tables"),
    D("d-wearable", "accelerometer data from a wearable, recognise walking, running or sitting; 12k windows of 128 steps, runs on a phone",
      "rnn", source="seed:000 RNN row: sensor readings; short sequences, limited compute"),
    D("d-mri-200", "MRI scans, 200 of them, outline the tumours",
      "cnn", source="seed:000 CNN row 'Examples': medical image segmentation (tumours in MRI)"),
    D("d-summarize", "summarize news articles, 300k articles, 8 GPUs",
      "transformer", source="seed:002 NLP: Transformers for summarization tools"),
    D("d-ecg-anomaly", "ECG recordings, mostly unlabeled, find abnormal heartbeats",
      "autoencoder", ("rnn",), source="seed:000 Autoencoder row: anomaly detection; RNN row: anomaly detection in sequences"),
    D("d-kg-completion", "knowledge graph completion for a drug database",
      "gnn", source="seed:000 GNN row: knowledge graphs, link prediction"),
    D("d-superres-fast", "super-resolution for satellite images, it needs to be fast",
      "gan", source="seed:000 GAN row: super-resolution; faster than diffusion"),
    D("d-sketch-photo", "turn sketches into photos",
      "gan", ("diffusion",), source="seed:000 GAN row 'Examples': converting sketches to photos"),
    D("d-50-parts", "only 50 pictures of rare parts, classify good vs bad, no gpu",
      "cnn", not_top=("transformer",), source="seed:003 transfer learning when the dataset is small"),
    D("d-podcasts", "speech recognition on hour-long podcasts, 1.2 million utterances, many GPUs",
      "transformer", source="seed:000 RNN row 'When not recommended': large-scale parallel training -> Transformers"),
    D("d-video-gen", "generate short video clips with high fidelity",
      "diffusion", source="seed:000 Diffusion row 'Examples': video generation"),
    D("d-weather-long", "weather sensor sequences of 10000 steps, forecast the next day, we have a GPU cluster",
      "transformer", ("rnn",), source="seed:000 RNN row: very long sequences -> Transformers"),
    D("d-intrusions", "network traffic logs, detect intrusions, we have no labels",
      "autoencoder", source="seed:000 Autoencoder row: anomaly detection"),
    D("d-reviews-photos", "product reviews together with their photos, predict the star rating",
      "transformer", source="seed:000 Transformer row: multimodal inputs"),
    D("d-eeg", "EEG recordings, 3000 windows of 512 samples each, classify sleep stages, one GPU",
      "rnn", source="seed:000 RNN row: sensor readings, time series"),
]

CASES = FLAG_CASES + DESCRIBE_CASES


def _args(case: Case) -> list[str]:
    if isinstance(case.given, str):
        return ["recommend", "--describe", case.given, "--json"]
    return ["recommend", *case.given, "--json"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_heldout_style(cli, case):
    result = cli(*_args(case))
    assert result.code == 0, result.stderr
    ranked = [r["id"] for r in result.json()["recommendations"] if not r["excluded"]]
    seen = f"{case.id}: ranked {ranked[:4]} ({case.source}); {result.stderr.strip()}"
    if case.top:
        assert ranked[0] == case.top, seen
    for family in case.top3:
        assert family in ranked[:3], seen
    for family in case.not_top:
        assert ranked[0] != family, seen


def test_covers_every_family_data_and_task(cli):
    from dlguide import kb as knowledge

    kb = knowledge.load(None)
    questions = kb.questions
    expected = {c.top for c in CASES if c.top} | {f for c in CASES for f in c.top3}
    flags = [dict(zip(c.given[::2], c.given[1::2])) for c in FLAG_CASES]
    assert expected == set(kb.families)
    assert {f["--data"] for f in flags} == set(questions["data"].choice_ids()) - {"unknown"}
    assert {f["--task"] for f in flags} == set(questions["task"].choice_ids()) - {"unknown"}


ANSWER_QUALITY = [
    # flags, family -> expected variant, words the advice must contain
    ("--data image --task classify --samples 800 --labeled 0.1 --compute low", {"cnn": "resnet"}, ["pretrained", "semi-supervised"]),
    ("--data tabular --task classify --samples 5000 --compute low", {"mlp": "mlp"}, ["gradient-boosted trees"]),
    ("--data image --task generate --samples 50000 --compute medium", {"diffusion": "latent"}, ["GAN samples fast", "fidelity"]),
    ("--data text --task classify --samples 300 --seq-len 30 --compute low", {"rnn": "gru"}, ["pretrained", "need a lot of data"]),
    ("--data time-series --task forecast --samples 100000 --seq-len 800 --compute medium", {"rnn": "lstm"}, []),
    ("--data text --task generate --samples 1000000 --compute high", {"transformer": "decoder-only"}, []),
    ("--data text --task translate --samples 1000000 --compute high", {"transformer": "encoder-decoder"}, []),
    ("--data multimodal --task generate --samples 1000000 --compute medium", {"diffusion": "latent"}, []),
    ("--data image --task generate --samples 3000 --compute medium --priority stability", {"autoencoder": "vae"}, ["need a lot of data"]),
    ("--data multimodal --task classify --samples 500 --compute low", {}, ["CLIP"]),
]


@pytest.mark.parametrize("flags, variants, advice", ANSWER_QUALITY, ids=[a[0] for a in ANSWER_QUALITY])
def test_variants_and_advice(cli, flags, variants, advice):
    """The rest of the answer: the variant named for each family and the advice a practitioner would give."""
    result = cli("recommend", *flags.split(), "--json")
    assert result.code == 0, result.stderr
    document = result.json()
    named = {r["id"]: r["variant"] for r in document["recommendations"]}
    assert {family: named[family] for family in variants} == variants
    text = " ".join(a if isinstance(a, str) else str(a) for a in document["advice"])
    for words in advice:
        assert words in text, text
