"""The knowledge: the family and technique models, finding, loading and validating a knowledge base, comparison.

``schema`` declares a family's and a technique's file; ``kb`` finds, reads, validates and caches a knowledge
folder (the only module that touches YAML); ``cache`` keeps files between runs, for ``kb`` and the reader;
``recommender_data`` loads its questions and rules; ``consistency`` checks that advice and rules agree with
the ranking; ``compare`` lines families up aspect by aspect.

May import: ``dlguide.rules``, ``dlguide.errors``. Never the advisor, rendering, commands or the CLI.
"""
