"""Analysis of the property graph: network measures, region flows, the briefing and the Markdown report."""
