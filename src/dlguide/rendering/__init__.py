"""What the user sees: rich tables and Markdown, the JSON contract and its envelope, writing to stdout.

``render`` draws the knowledge (list, show, compare); ``render_recommend`` draws a recommendation;
``contract`` declares every ``--json`` document; ``output`` prints them (and notes on stderr). Decides nothing.

May import: ``dlguide.advisor``, ``dlguide.catalogue``, ``dlguide.rules``, ``dlguide.errors``. Never projects,
commands or the CLI. rich is imported by the modules that draw, so ``output`` stays cheap to import.
"""
