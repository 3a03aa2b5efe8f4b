"""Entity lists: rows and checked records, the checks (whole and incremental), names, the plan text, diff."""
