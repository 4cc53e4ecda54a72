"""The recommender: reading a description, asking the questions, ranking and explaining, what-if.

``engine`` turns a profile and the rules into a ranked, explained result (with ``whatif``'s nearest changes);
``describe`` (with ``describe_numbers``, ``amounts``, ``words`` and ``cues``, its phrases kept between runs)
reads a sentence into answers; ``questionnaire`` asks what is left, through ``prompter``'s terminal in real
use. Decides; prints nothing.

May import: ``dlguide.catalogue``, ``dlguide.rules``, ``dlguide.errors``, and ``dlguide.demos.lpfiles`` (the one
write rule, for saved answers). Never rendering, projects, commands or the CLI.
"""
