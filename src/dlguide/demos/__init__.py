"""The demos: one standalone file per family whose YAML names it, the helpers a scaffolded copy takes
along (``dlguide.projects.scaffold.HELPERS``: lpkit, lpdata, lpresult, lpplot, lpfiles, lpgraph, lpknn), and
``runner``, which finds a family's demo through the knowledge base and runs it for ``run-demo``.

The demo files and their helpers import only numpy, scipy, scikit-learn, torch, torchvision, matplotlib
and each other, never dlguide outside this package, so a copy runs without dlguide. ``runner`` imports
``dlguide.catalogue.kb`` and ``dlguide.errors`` and is never copied.
"""
