"""dlguide: which deep-learning architecture fits my data and my goal, and what does it look like running?"""

__version__ = "0.1.0"
