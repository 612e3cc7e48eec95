"""cfakey: obtains, renews and stores the API keys (CFA_KEY) the eleven OPCO hand out to CFA."""

__version__ = "0.1.0"
