"""What the network learns from its cases.

Phenotype similarity between cases and diagnosis suggestions for a panel,
anonymised statistics for researchers, and the board's activity figures.
"""
