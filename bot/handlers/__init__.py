"""Update handlers, split by the same feature names as facilitation/."""
