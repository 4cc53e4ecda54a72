"""The built-in knowledge base (families, techniques, questions, rules), shipped as package data."""
