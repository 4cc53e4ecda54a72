"""The rule language: the recommender's questions and rules as pydantic models, their three-valued logic, the ranking.

``strict`` is the base of every knowledge model (families' too); ``rules_schema`` declares questions, rules and
profiles; ``learned_schema`` the fitted word weights of ``learned.yaml``; ``conditions`` evaluates a rule's condition
against a profile (unknown answers stay unknown); ``ranking`` scores and ranks the families with the rules.
Pure: no I/O, no printing.

May import: ``dlguide.errors`` and the standard library, pydantic. Nothing above it.
"""
