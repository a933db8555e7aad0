"""Policy as data: the versioned records file and its loader."""
