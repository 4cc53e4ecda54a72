"""--describe: a sentence becomes answers, with the words each came from; nothing is guessed."""

from __future__ import annotations

import pytest

from dlguide.advisor.describe import understand
from dlguide.catalogue import kb as knowledge


@pytest.fixture(scope="module")
def cues(questions):
    """The cue reader alone: the rules of questions.yaml that a test is about, without the learned layer's say
    (tests/test_describe_learned.py covers how the two combine)."""
    bare = {}
    for question_id, question in questions.items():
        bare[question_id] = question.model_copy()
        bare[question_id]._learned = None
    return bare


@pytest.mark.parametrize(
    "text, expected",
    [
        ("800 chest x-rays, a tenth labeled, find pneumonia on a laptop",
         {"data": "image", "samples": 800, "labeled": 0.1, "task": "classify", "compute": "low"}),
        ("two million tweets, classify sentiment, 8 GPUs", {"data": "text", "samples": 2_000_000, "task": "classify", "compute": "high"}),
        ("a few hundred sensor readings, sequences of 200 steps, forecast tomorrow",
         {"data": "time-series", "samples": 300, "seq_len": 200, "task": "forecast"}),
        ("5k molecules, predict toxicity", {"data": "graph", "samples": 5000, "task": "regress"}),
        ("2000 reviews, 150 of them labelled, about 300 words each",
         {"data": "text", "samples": 2000, "labeled": 0.075, "seq_len": 300}),
        ("tens of thousands of customer records in a spreadsheet, predict churn, explainable",
         {"data": "tabular", "samples": 30000, "task": "classify", "priority": ["interpretability"]}),
        ("social network of 1.5M users, recommend friends", {"data": "graph", "samples": 1_500_000, "task": "link"}),
        ("unlabeled vibration data from pumps, find faults", {"data": "time-series", "labeled": 0.0, "task": "anomaly"}),
        ("generate images from text prompts", {"data": "multimodal", "task": "generate"}),
        ("10% labeled, 20k images, segment tumours in MRI scans", {"labeled": 0.1, "samples": 20000, "data": "image", "task": "segment"}),
        ("2,000 photos, all labeled, one GPU", {"samples": 2000, "labeled": 1.0, "data": "image", "compute": "medium"}),
        ("generate photorealistic faces in real time", {"task": "generate", "data": "image", "priority": ["quality", "speed"]}),
        # An adjective that describes the data or the output is not a wish; a wish that leads it is.
        ("generate realistic faces of cats", {"task": "generate", "priority": None}),
        ("generate realistic faces; it must be fast", {"task": "generate", "priority": ["speed"]}),
        ("We fine-tune EfficientNet-B3 on leaf photos", {"data": "image", "priority": None}),
        ("anomaly detection on server logs with no gpu", {"task": "anomaly", "compute": "low"}),
        ("half of the 3000 images are labeled", {"labeled": 0.5, "samples": 3000, "data": "image"}),
        ("forecast stock prices", {"task": "forecast", "data": "time-series"}),
        ("transcribe speech to text", {"data": "audio", "task": "translate"}),
        # Articles inside a phrase, generic nouns that take their kind from the word before them, shape nouns.
        ("remove the noise from old scanned photos", {"data": "image", "task": "denoise"}),
        ("EEG recordings, classify sleep stages", {"data": "time-series", "task": "classify"}),
        ("recordings of ECG, find abnormal beats", {"data": "time-series", "task": "anomaly"}),
        ("fraud ring detection on a transaction graph", {"data": "graph", "task": "classify"}),
        ("a couple thousand emails, detect phishing", {"data": "text", "task": "classify", "samples": 2000}),
        ("count cars in dashcam footage", {"data": "video", "task": "detect"}),
        # Counts of labels given as a part of the whole, spaced thousands, hardware names that are not counts.
        ("we labeled 500 of our 10,000 images", {"samples": 10000, "labeled": 0.05}),
        ("labels for about a quarter of them", {"labeled": 0.25}),
        ("12 000 images", {"samples": 12000}),
        ("on an RTX 3090, 4000 photos", {"compute": "medium", "samples": 4000}),
        ("we have a single A100", {"compute": "medium"}),
        ("it must run on a Jetson Nano", {"compute": "low"}),
        ("we need to explain each decision to doctors", {"priority": ["interpretability"]}),
        ("match product photos to their descriptions", {"data": "multimodal"}),
    ],
)
def test_understands(questions, text, expected):
    found = understand(text, questions)
    assert {k: found.answers.get(k) for k in expected} == expected
    assert set(found.evidence) == set(found.answers)


def test_says_where_each_answer_came_from(questions):
    found = understand("800 chest x-rays, a tenth labeled, find pneumonia on a laptop", questions)
    assert found.evidence == {"data": "x-rays", "task": "find pneumonia", "compute": "laptop",
                              "labeled": "a tenth labeled", "samples": "800 chest x-rays"}


def test_ignores_numbers_that_are_not_counts(questions):
    found = understand("images in 10 classes, trained for 30 epochs on 4 GPUs", questions)
    assert "samples" not in found.answers
    assert found.answers["compute"] == "high"


@pytest.mark.parametrize("text", [
    "a dataset of 39 leaf classes from PlantVillage",  # the noun after the cue says what is counted
    "recognise 397 bird species in field recordings",
    "fine-tune wav2vec 2.0 speech recognition on Bemba",  # a version, not an amount
    "the label is 1 for fraud and 0 otherwise",  # the noun "label" is not "labelled"
    "lesions annotated with 27 classes",  # a bare participle before a number names something else
])
def test_numbers_with_another_role_stay_unread(questions, text):
    found = understand(text, questions)
    assert "samples" not in found.answers and "labeled" not in found.answers


@pytest.mark.parametrize("text", ["hello there", "", "please help me choose"])
def test_nothing_usable_stays_open(questions, text):
    assert understand(text, questions).answers == {}


def test_synonyms_come_from_questions_yaml(kb_copy):
    path = kb_copy / "questions.yaml"
    path.write_text(path.read_text().replace("synonyms: [image, photo,", "synonyms: [image, blorbograph, photo,"))
    found = understand("3000 blorbographs", knowledge.load(kb_copy).questions)
    assert found.answers == {"data": "image", "samples": 3000}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("classify 10-second video clips of actions, 20k clips, one GPU", {"data": "video", "samples": 20000}),
        ("speech recognition on 1000 hours of audio", {"data": "audio", "task": "translate"}),
        ("caption images with text", {"data": "multimodal", "task": "translate"}),
        ("classify DNA sequences of length 100000", {"data": "text", "seq_len": 100000}),
        ("a 3-layer net on 5000 rows of a spreadsheet", {"data": "tabular", "samples": 5000}),
    ],
)
def test_numbers_that_measure_something_else_are_not_counts(questions, sentence, expected):
    answers = understand(sentence, questions).answers
    assert {key: answers.get(key) for key in expected} == expected


# ---- issue 7: sentences written by people who never saw questions.yaml ---------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("we want something that generates new furniture designs", {"task": "generate"}),
        ("outline every pallet with a bounding box", {"task": "detect"}),
        ("40 attributes per flat, estimate the monthly rent", {"data": "tabular", "task": "regress"}),
        ("work out which subscribers will leave", {"task": "classify"}),
        ("a classifier for leaf crops", {"task": "classify"}),
        ("proteins as residues and their contacts", {"data": "graph"}),
    ],
)
def test_reads_what_a_person_sees_at_once(questions, text, expected):
    answers = understand(text, questions).answers
    assert {key: answers.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    "text, task",
    [("a generator of faces", "generate"), ("face generation", "generate"), ("it generates faces", "generate"),
     ("classification of x-rays", "classify"), ("an x-ray classifier", "classify"), ("x-rays classified by", "classify"),
     ("segmentation of tumours", "segment"), ("segmenting tumours", "segment"),
     ("forecasting the load", "forecast"), ("a load forecaster", "forecast")],
)
def test_word_forms_find_the_same_answer(questions, text, task):
    assert understand(text, questions).answers.get("task") == task


@pytest.mark.parametrize(
    "text, ignored",
    [
        ("9 output categories of photos", "'9' (no role)"),
        ("photos, accuracy of 0.93 with a learning rate of 0.001", "'0.001' (no role)"),
        ("fine-tune a ResNet-50 on photos", "'ResNet-50' (part of a name or a measure)"),
        ("top-5 error on photos", "'top-5' (part of a name or a measure)"),
        ("photos in 12 classes", "'12' (no role)"),
        ("3 GPUs for the photos", "'3' (no role)"),
        ("photos taken in 2019", "'2019' (a year)"),
        ("BraTS 2020 MRI scans", "'2020' (a year)"),
        ("0 photos", "'0' (out of range for samples)"),
    ],
)
def test_numbers_without_a_role_are_ignored_and_listed(questions, text, ignored):
    found = understand(text, questions)
    assert "samples" not in found.answers
    assert ignored in found.ignored


@pytest.mark.parametrize(
    "text, labeled",
    [("500 photos, zero labeled", 0.0), ("500 photos, none of them labeled", 0.0), ("500 photos, no labels at all", 0.0),
     ("1 in 20 photos is labelled", 0.05), ("500 photos, 0.2 labeled", 0.2), ("10% annotated", 0.1),
     ("500 photos, mostly unlabeled", 0.05), ("10% labeled and the rest unlabeled", 0.1)],
)
def test_labelled_share_in_words(questions, text, labeled):
    assert understand(text, questions).answers.get("labeled") == labeled


def test_a_run_of_digits_is_out_of_range_not_an_overflow(questions):
    found = understand("9" * 400 + " images and 1e999 more", questions)
    assert "samples" not in found.answers
    assert any("out of range for samples" in line and len(line) < 80 for line in found.ignored)


def test_weak_evidence_is_a_guess(questions):
    found = understand("a classifier for leaf crops", questions)
    assert found.answers["data"] == "image" and "data" in found.unsure
    sure = understand("800 chest x-rays", questions)
    assert sure.answers["data"] == "image" and not sure.unsure


def test_a_description_of_media_together_is_multimodal_but_speech_with_transcripts_is_audio(questions):
    assert understand("10k photos and their captions", questions).answers["data"] == "multimodal"
    assert understand("1000 hours of speech audio with transcripts", questions).answers["data"] == "audio"
    # Named as such, multimodal takes its parts' evidence instead of losing to them.
    assert understand("image captioning on 8,000 images and their captions", questions).answers["data"] == "multimodal"
    # A video's frames are images, not a second kind.
    assert understand("classify video clips frame by frame, each frame an image", questions).answers["data"] == "video"


def test_boxes_are_for_pictures_only(questions):
    assert understand("detection of fraud in bank transactions", questions).answers["task"] == "classify"
    assert understand("detection of pedestrians in dashcam video", questions).answers["task"] == "detect"


def test_stemmer_keeps_words_that_only_look_derived():
    from dlguide.advisor.words import same, stem

    assert len({stem(w) for w in ("label", "labels", "labeled", "labelled", "labeling", "labelling")}) == 1
    assert len({stem(w) for w in ("generate", "generates", "generated", "generation", "generator", "generative")}) == 1
    assert stem("customers") != stem("custom")
    assert not same(stem("class"), stem("classify"))
    assert same(stem("detect"), stem("detector")) and same(stem("segment"), stem("segmentation"))


# Written for this test, in words questions.yaml does not list as such; each names its data and its goal.
PLAIN = [
    ('we have thousands of product reviews and want to know if customers are happy', 'text', 'classify'),
    ('label each frame of surgical videos with the current phase', 'video', 'classify'),
    ('predict house prices from a spreadsheet of sales', 'tabular', 'regress'),
    ('forecast hourly taxi demand for the next week', 'time-series', 'forecast'),
    ('generate realistic synthetic patient records for testing', 'tabular', 'generate'),
    ('find defective welds in x-ray images of pipes', 'image', 'anomaly'),
    ('transcribe call-centre recordings', 'audio', 'translate'),
    ('predict which proteins interact with each other', 'graph', 'link'),
    ('classify molecules as toxic or not', 'graph', 'classify'),
    ('detect tumours in CT scans and draw boxes around them', 'image', 'detect'),
    ('outline the lungs in chest x-rays', 'image', 'segment'),
    ('compress sensor streams from our wind turbines', 'time-series', 'compress'),
    ('find near-duplicate images in our catalogue', 'image', 'embed'),
    ('remove hiss from old vinyl recordings', 'audio', 'denoise'),
    ('translate user manuals from German to English', 'text', 'translate'),
    ('predict the remaining useful life of jet engines from sensor logs', 'time-series', 'regress'),
    ('spot unusual logins in our authentication logs', 'time-series', 'anomaly'),
    ('classify bird species from their songs', 'audio', 'classify'),
    ('recognise sign language gestures from webcam video', 'video', 'classify'),
    ('predict whether a loan applicant will repay', 'tabular', 'classify'),
    ('estimate crop yield per field from satellite imagery', 'image', 'regress'),
    ('which papers will cite each other in a citation graph', 'graph', 'link'),
    ('create new logo designs from a text prompt', 'multimodal', 'generate'),
    ('caption product photos automatically', 'multimodal', 'translate'),
    ('categorise news articles by topic', 'text', 'classify'),
    ('detect pedestrians in dashcam footage in real time', 'video', 'detect'),
    ('colourise old black and white photos', 'image', 'translate'),
    ('predict the sentiment of tweets', 'text', 'classify'),
    ('predict the solubility of compounds', 'graph', 'regress'),
    ('find fraudulent accounts in a transaction network', 'graph', 'classify'),
    ('segment roads in aerial images', 'image', 'segment'),
    ('identify the speaker in short voice clips', 'audio', 'classify'),
    ('upscale low-resolution game textures', 'image', 'translate'),
    ('detect anomalies in ECG signals', 'time-series', 'anomaly'),
    ('predict customer lifetime value from their orders', 'tabular', 'regress'),
]


@pytest.mark.parametrize("text, data, task", PLAIN)
def test_reads_plain_descriptions(questions, text, data, task):
    answers = understand(text, questions).answers
    assert (answers.get("data"), answers.get("task")) == (data, task)


# ---- the sentence's frame: which words state the goal ----------------------------------------------------

@pytest.mark.parametrize(
    "text",
    ["Where should we begin with our product photos?", "Which model would you pick for our call-centre recordings?"],
)
def test_a_question_about_method_names_no_task(cues, text):
    """'Where do I/should we ...' asks how to start: 'where' is not a box, 'which' not a class."""
    found = understand(text, cues)
    assert "task" not in found.answers
    assert "data" in found.answers


def test_a_question_word_that_asks_about_the_examples_still_counts(cues):
    # No pronoun after the auxiliary: the question is the goal itself.
    assert understand("Which customers will cancel next month?", cues).answers.get("task") == "classify"


@pytest.mark.parametrize(
    "text, task",
    [
        ("Segment the organs in abdominal CT scans; we plan to classify the slices later.", "segment"),
        ("Store sales: forecast the coming weeks with a network that learns embeddings of each store.", "forecast"),
    ],
)
def test_a_clause_that_opens_with_the_verb_states_the_goal(questions, text, task):
    """An imperative ('Forecast ...', 'Segment ...') outweighs a later means ('learns embeddings')."""
    found = understand(text, questions)
    assert found.answers.get("task") == task
    assert found.evidence["task"].lower().startswith(task)


@pytest.mark.parametrize(
    "text, task",
    [
        # Making X from a given Y converts Y; from a prompt it generates.
        ("We want to generate floor plans from hand-drawn sketches.", "translate"),
        ("Produce line drawings from ordinary photos of buildings.", "translate"),
        ("Create new product photos from a text prompt.", "generate"),
        # "fake" is the class to tell apart, not an output to make; "from one/another" alone is no conversion.
        ("Spot fake product reviews on our marketplace.", "classify"),
        ("Tell forged signatures from authentic ones in scanned cheques.", "classify"),
        # Telling two kinds apart is classifying, even when one kind is "abnormal".
        ("Separate normal from abnormal heartbeats in ECG traces; we classify them later.", "classify"),
        ("Distinguish healthy from diseased leaves in field photos.", "classify"),
        ("Do information extraction on shipping emails: sender, port, date.", "classify"),
    ],
)
def test_task_neighbours(cues, text, task):
    assert understand(text, cues).answers.get("task") == task


@pytest.mark.parametrize(
    "text, data, task",
    [
        ("Train a LoRA on twenty pictures of my dog.", "image", "generate"),
        ("Try LightGCN on our shop's purchase logs.", "graph", "link"),
        ("Run PatchCore on photos of bottle caps from the line.", "image", "anomaly"),
        ("Fit PatchTST to hourly energy readings from 300 buildings.", "time-series", "forecast"),
        ("Use DeepSORT to follow shoppers across the CCTV cameras.", "video", "detect"),
        ("Build a wake word for our kitchen gadget.", "audio", "classify"),
    ],
)
def test_model_and_dataset_names_are_evidence(questions, text, data, task):
    answers = understand(text, questions).answers
    assert (answers.get("data"), answers.get("task")) == (data, task)


def test_a_name_is_not_read_in_a_common_word(questions):
    """Names stem like words: 'SAM' must not be found in 'same', 'MAPE' in 'map', 'Informer' in 'information'."""
    text = "We met at the same place to share information; it was a pain to map it all, kits and darts included, with a smile."
    answers = understand(text, questions).answers
    assert "data" not in answers and "task" not in answers


@pytest.mark.parametrize(
    "text, question, value",
    [
        ("Suppliers, warehouses and the relationships between them.", "data", "graph"),
        ("Given the first seconds of a dashcam clip, produce the next frames.", "task", "forecast"),
        ("Predict the label of each support ticket from its text.", "task", "classify"),
        ("Bring old photos to a higher resolution for printing.", "task", "translate"),
        ("Write textual descriptions of product photos for blind shoppers.", "task", "translate"),
    ],
)
def test_shape_and_goal_words(questions, text, question, value):
    assert understand(text, questions).answers.get(question) == value


def test_an_acronym_in_capitals_is_found_only_in_capitals(questions):
    """'CLIP' in questions.yaml is the model; 'a clip' stays a piece of video, 'same' and 'Sam' are not SAM."""
    from dlguide.advisor.words import Text, phrase

    clip = phrase("CLIP", 2.0, "embed")
    assert clip.find(Text("we fine-tune CLIP on our photos")) == [(3, 3)]
    assert clip.find(Text("CLIPs of shoppers")) == [(0, 0)]
    assert clip.find(Text("a short clip of the match")) == []
    assert understand("Fine-tune CLIP on our catalogue so shoppers can search products by text.",
                      questions).answers.get("task") == "embed"
    assert understand("Run SAM on drone photos of fields to outline each parcel.",
                      questions).answers.get("task") == "segment"
    assert "task" not in understand("Sam and I met at the same place.", questions).answers


def test_learning_what_normal_looks_like_is_anomaly_detection(questions):
    """Modelling the normal and flagging what departs from it is anomaly detection, even when the rest is 'fraud'."""
    found = understand("We want to learn what normal card purchases look like, so purchases that reconstruct badly "
                       "can be called fraud.", questions)
    assert found.answers.get("task") == "anomaly"


@pytest.mark.parametrize(
    "text, data, task",
    [
        ("Turn meeting recordings into written minutes", "audio", "translate"),
        ("Recognise which bird is singing in field recordings", "audio", "classify"),
        ("Locate every weld seam defect on X-ray images of pipes with boxes", "image", "detect"),
        ("Flag machines whose vibration drifts away from the usual pattern", "time-series", "anomaly"),
        ("Suggest products a shopper is likely to buy based on the purchase graph", "graph", "link"),
        ("Predict the sale price of used cars from their listing", "tabular", "regress"),
        ("Find duplicate questions on our forum", "text", "embed"),
    ],
)
def test_vocabulary_classes(questions, text, data, task):
    """Recordings are sound, boxes are detection, drifting from the usual is an anomaly, a sale price is a row."""
    answers = understand(text, questions).answers
    assert (answers.get("data"), answers.get("task")) == (data, task)


@pytest.mark.parametrize("written", ["2k", "1.5m", "2mm", "3b", "3bn", "1,200", "40%"])
def test_a_flag_and_a_sentence_read_a_number_the_same_way(questions, written):
    """One reading of '2k', '3bn', '40%': `--samples 3bn` means what '3bn images' means in --describe."""
    from dlguide.advisor.questionnaire import parse_answer

    question = "labeled" if written.endswith("%") else "samples"
    sentence = f"{written} labeled, 500 images" if question == "labeled" else f"{written} images, classify them"
    assert understand(sentence, questions).answers[question] == parse_answer(questions[question], written)


@pytest.mark.parametrize(
    "text, samples, labeled",
    [
        ("I have 300 labelled x-rays and 5000 unlabelled ones, find pneumonia", 5300, 0.0566),
        ("6,000 x-rays, 5,000 of them unlabelled; find pneumonia", 6000, 0.1667),
        ("5000 unlabelled photos of birds, group similar ones", 5000, 0.0),
        ("2,000 labelled clips plus roughly 250,000 unlabeled excerpts; tag the sounds", 252000, 0.0079),
    ],
)
def test_the_labelled_and_the_unlabelled_part_make_the_whole(questions, text, samples, labeled):
    found = understand(text, questions)
    assert found.answers["samples"] == samples
    assert found.answers["labeled"] == pytest.approx(labeled, abs=0.001)


def test_the_parts_are_named_as_the_evidence(questions):
    found = understand("I have 300 labelled x-rays and 5000 unlabelled ones, find pneumonia", questions)
    assert found.evidence["samples"] == found.evidence["labeled"] == "300 labelled + 5000 unlabelled"


@pytest.mark.parametrize(
    "text, samples",
    [
        ("750 training and 350 test images, 16 classes to classify", 750),
        ("split into 60k train, 10k validation and 10k test tweets; classify sentiment", 60000),
        ("a training set of 1,600 photos and a test set of 500 photos", 1600),
    ],
)
def test_a_held_out_split_is_not_the_training_count(questions, text, samples):
    found = understand(text, questions)
    assert found.answers["samples"] == samples
    assert any("test" in note or "validation" in note for note in found.ignored)


def test_a_task_that_needs_a_kind_of_data_implies_it_as_a_guess(questions):
    found = understand("which of our users are likely to become friends", questions)
    assert (found.answers["task"], found.answers["data"]) == ("link", "graph")
    assert "data" in found.unsure and "become friends" in found.evidence["data"]


@pytest.mark.parametrize(
    "text, question, value",
    [
        ("a yes/no classifier for loan applications", "task", "classify"),
        ("the gestures in my sign-language videos just don't get recognised", "task", "classify"),
        ("I don't want classification, I need to estimate the price of flats", "task", "regress"),
        ("not classification but regression on the rows of a spreadsheet", "task", "regress"),
    ],
)
def test_a_slash_is_or_and_a_complaint_is_not_a_denial(questions, text, question, value):
    assert understand(text, questions).answers.get(question) == value


@pytest.mark.parametrize(
    "text, misread",
    [("it does not work and I am not sure why", "text"),  # "note" is a text cue; "not" is not a note
     ("plot the error for different numbers of hidden nodes", "graph"),  # a network's nodes, not a graph's
     ("predict the following values", "graph")],  # nobody's follower
)
def test_words_that_only_look_like_cues_are_no_evidence_of_the_data(questions, text, misread):
    found = understand(text, questions)
    assert found.answers.get("data") != misread
    # At most a guess of the learned layer, from other words: never a cue's reading.
    assert "data" not in found.answers or ("data" in found.unsure and found.learned.get("data"))


@pytest.mark.parametrize(
    "text, data",
    [("Turn photos of receipts into text", "image"),
     ("Turn scanned invoices into text", "image"),
     ("Tag each word in a sentence with its part of speech", "text")],
)
def test_what_a_conversion_makes_is_not_the_data(cues, text, data):
    assert understand(text, cues).answers.get("data") == data


def test_the_kept_cue_phrases_follow_every_edit_and_survive_a_broken_file(kb_copy, tmp_path, monkeypatch):
    from dlguide.advisor import cues
    from dlguide.catalogue import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("DLGUIDE_NO_CACHE", raising=False)
    kept = cache.path(cues._FILE_NAME)
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(b"not a pickle")
    assert understand("800 chest x-rays, find pneumonia", knowledge.load(kb_copy).questions).answers["data"] == "image"
    path = kb_copy / "questions.yaml"
    path.write_text(path.read_text().replace("synonyms: [image, photo,", "synonyms: [image, photo, zorblat,"))
    assert understand("my zorblats", knowledge.load(kb_copy).questions).answers.get("data") == "image"
    assert kept.stat().st_size > 1000  # built again and kept


@pytest.mark.parametrize(
    "text, question, value",
    [("I have 3,000 samples at 128x128 and want to classify them", "data", "image"),
     ("the inputs are 512 x 512 px", "data", "image"),
     ("sort the parts into six different faults from the vibration sensors", "task", "classify"),
     ("the readings fall into 4 distinct classes", "task", "classify")],
)
def test_a_size_in_pixels_means_pictures_and_a_count_of_kinds_means_classes(questions, text, question, value):
    assert understand(text, questions).answers.get(question) == value


def test_a_size_and_a_count_of_kinds_are_not_counts_of_examples(questions):
    found = understand("2,000 photos of 224x224 in 12 classes", questions)
    assert found.answers["samples"] == 2000
    assert not any("224" in reason for reason in found.ignored)  # one size, not two stray numbers


def test_a_count_of_kinds_leaves_boxes_and_masks_their_task(questions):
    assert understand("draw bounding boxes around 6 classes of vehicles in drone images", questions).answers["task"] == "detect"
    assert understand("segment 3 classes of tissue in each pixel of the slides", questions).answers["task"] == "segment"


def test_a_verb_is_not_the_noun_it_shares_a_stem_with(questions):
    # "=drawing" in questions.yaml: the picture, not the verb; a plural still counts.
    assert understand("the model draws a box around each car in the video stream", questions).answers["data"] == "video"
    assert understand("classify children's drawings by age", questions).answers["data"] == "image"


def test_a_weak_generic_head_does_not_outweigh_its_specific_modifier(questions):
    # "audio signals": "signals" alone would mean a series; "audio" says which.
    found = understand("sort spectrograms of audio signals into normal and abnormal over time", questions)
    assert found.answers["data"] == "audio"


def test_new_cue_syntax_works_from_questions_yaml_alone(kb_copy):
    import yaml

    path = kb_copy / "questions.yaml"
    document = yaml.safe_load(path.read_text())
    data = next(q for q in document["questions"] if q["id"] == "data")
    graph = next(c for c in data["choices"] if c["id"] == "graph")
    graph["synonyms"] = [*graph["synonyms"], "<n> molecules", "=planning", "32x32"]
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    questions = knowledge.load(kb_copy).questions
    assert understand("a set of several molecules", questions).answers["data"] == "graph"
    assert understand("each item is 32 x 32", questions).answers["data"] == "graph"
    assert understand("route planning", questions).answers["data"] == "graph"
    assert "data" not in understand("we planned it", questions).answers


@pytest.mark.parametrize("arrow", ["->", "→", "=>"])
def test_an_arrow_turns_one_thing_into_another(questions, arrow):
    found = understand(f"piano recordings {arrow} sheet music", questions)
    assert found.answers["task"] == "translate"
    assert found.answers["data"] == "audio"  # what the arrow makes is not the input


@pytest.mark.parametrize(
    "text, output",
    [("turn scanned handwritten letters into typed text", "text"),
     ("convert photos of formulas to LaTeX", "text"),
     ("turn pencil sketches into realistic photos", "image"),
     ("classify 2,000 photos of cats and dogs", None),  # not a conversion: the question does not apply
     ("sort our photos into 12 classes", None)],
)
def test_what_a_conversion_produces_is_read_only_for_a_conversion(questions, text, output):
    assert understand(text, questions).answers.get("output_kind") == output


@pytest.mark.parametrize(
    "text", ["Where should we begin with our product photos?", "Which model would you pick for our call-centre recordings?"],
)
def test_the_question_word_of_a_method_question_gives_the_learned_layer_nothing_either(questions, text):
    found = understand(text, questions)
    assert "task" not in found.answers or ("task" in found.unsure and found.learned.get("task"))
    assert not any(word in found.evidence.get("task", "") for word in ("Where", "Which"))


def test_kb_validate_names_a_cue_the_stemmer_silences_and_a_cue_listed_twice(kb_copy, cli):
    questions_file = kb_copy / "questions.yaml"
    text = questions_file.read_text()
    assert "=poster" in text and "sentiment, " in text
    # "poster" (images) and "post" (texts) stem alike: unmarked, the first listed takes both words.
    questions_file.write_text(text.replace("=poster", "poster").replace("sentiment, ", "sentiment, sentiment, ", 1))
    result = cli("kb", "validate", kb_copy)
    assert result.code != 0
    assert "'post' (text) never speaks: 'poster' (image) reads the same once stemmed" in result.stderr
    assert "lists 'sentiment' twice" in result.stderr
    questions_file.write_text(text)
    assert cli("kb", "validate", kb_copy).code == 0
