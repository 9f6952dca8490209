"""What every stage shares and nothing imports above: periods and the fiscal calendar, the
metric catalogue, canonical tables and values, source formats and their options, engine
names, paths (slugs) and errors."""
