"""The inbox batch as a unit of work: what it read once (snapshot), the writes it holds (buffer),
the busy path's batch-aware repositories, and the units of work it hands each update."""
