"""dlguide: which deep-learning architecture fits my data and my goal, and what does it look like running?"""

import os

__version__ = "0.1.0"

# pydantic scans every installed package's metadata for plugins the first time it builds a model (~9 ms
# here); dlguide uses none, and start-up time is a feature. A user who sets the variable keeps theirs.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
