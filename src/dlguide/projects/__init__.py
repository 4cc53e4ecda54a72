"""Work on the user's own files and folders: scaffolding a demo project, label propagation on their data.

``scaffold`` writes a runnable project from a demo (the files ``dlguide.demos`` ships); ``propagate_io``
reads and writes the user's points and labels; ``propagate_run`` runs the propagation and reports it.

May import: ``dlguide.demos``, ``dlguide.rendering.output``, ``dlguide.catalogue``, ``dlguide.rules``,
``dlguide.errors``. Never commands or the CLI. numpy, scipy and scikit-learn only inside functions.
"""
