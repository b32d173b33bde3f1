"""School–business cooperation (DESIGN.md §1, §4): needs, the company finder, requests and
partnerships, employers' school profiles and unmet demand. One module per responsibility."""
