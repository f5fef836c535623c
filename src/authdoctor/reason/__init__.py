"""From findings and facts to ranked root causes: pure functions, no I/O."""
