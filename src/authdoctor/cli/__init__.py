"""The command line: wiring only; every decision lives in the pipeline and below."""
