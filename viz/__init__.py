"""Interactive HTML views of the plan graph."""
