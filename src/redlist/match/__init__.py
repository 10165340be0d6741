"""Name matching: normalisation, Chinese script, candidate index, scoring, explanations."""
